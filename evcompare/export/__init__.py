"""Exports of saved views: images, SVG, a PDF deck and a PowerPoint deck (Qt needed)."""
