"""Qt widgets, windows and helpers for the evcompare desktop app."""
