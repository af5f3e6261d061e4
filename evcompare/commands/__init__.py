"""Undoable edits of the document: every change a widget asks for is a QUndoCommand."""

from evcompare.commands.comparison import SetComparison

__all__ = ["SetComparison"]
