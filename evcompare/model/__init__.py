"""The document model: dataset, metrics, milestones. Qt-free and unit-tested without a QApplication."""
