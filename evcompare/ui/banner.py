"""A non-modal message bar above the charts: what the user should know but need not answer.

Used for a project saved with other data and for a linked file that could not be reloaded.
Each message has a key, so one source (a link, the dataset note) replaces or clears its own
message without touching the others; the bar hides when no message is left.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from evcompare.ui.theming import Theme, current_theme, paint_panel, theme_changes

BANNER_RADIUS_PX = 4


class Banner(QFrame):
    """Messages by key, shown one per line; the close button dismisses them all."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
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
        self._follow_theme()
        theme_changes.applied.connect(self._follow_theme)
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:
        theme = current_theme()
        paint_panel(self, theme.banner, theme.banner_border, BANNER_RADIUS_PX)

    def _follow_theme(self, _theme: Theme | None = None) -> None:
        palette = self.label.palette()
        text = QColor(current_theme().banner_text)
        if palette.color(QPalette.ColorRole.WindowText) != text:
            palette.setColor(QPalette.ColorRole.WindowText, text)
            self.label.setPalette(palette)
        self.update()

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
