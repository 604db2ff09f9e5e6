"""Writing a memo on an answer or a code. The dialog only edits text; saving goes through
the window's undo stack (``undo.Memo`` → ``codings.save_memo``)."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout

from workbench.ui.i18n import tr


class MemoDialog(QDialog):
    def __init__(self, title: str, context: str, text: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("memoDialog")
        self.resize(480, 300)
        self.context = QLabel(context)
        self.context.setWordWrap(True)
        self.context.setStyleSheet("color: #555;")
        self.edit = QPlainTextEdit(text)
        self.edit.setObjectName("memoText")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.context)
        lay.addWidget(self.edit, 1)
        lay.addWidget(buttons)
        self.edit.setFocus()

    def text(self) -> str:
        return self.edit.toPlainText().strip()

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text)
