"""The milestone timeline editor: lanes per entity, drag to move, undoable edits, a table view."""

from evcompare.ui.timeline.dialog import MilestoneDialog, export_milestones_file, import_milestones_file
from evcompare.ui.timeline.table import MilestoneTableModel, MilestoneTableView
from evcompare.ui.timeline.view import TimelineWidget

__all__ = ["MilestoneDialog", "MilestoneTableModel", "MilestoneTableView", "TimelineWidget",
           "export_milestones_file", "import_milestones_file"]
