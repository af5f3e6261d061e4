"""A non-modal message bar above the charts: what the user should know but need not answer.

Used for a project saved with other data and for a linked file that could not be reloaded.
Each message has a key, so one source (a link, the dataset note) replaces or clears its own
message without touching the others; the bar hides when no message is left.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget


class Banner(QFrame):
    """Messages by key, shown one per line; the close button dismisses them all."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")  # styled by the theme (app.qss)
        self._messages: dict[str, str] = {}
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(self)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Dismiss these messages"))
        close.clicked.connect(self.clear_all)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def set_message(self, key: str, text: str) -> None:
        """Show `text` under `key` (replacing that key's message); an empty text clears it."""
        if text:
            self._messages[key] = text
        else:
            self._messages.pop(key, None)
        self._show()

    def clear_all(self) -> None:
        self._messages.clear()
        self._show()

    def text(self) -> str:
        return self.label.text()

    def _show(self) -> None:
        self.label.setText("\n".join(self._messages.values()))
        self.setVisible(bool(self._messages))
