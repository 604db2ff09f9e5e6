"""Writing a memo on an answer or a code. The dialog only edits text; saving goes through
the window's undo stack (``undo.Memo`` → ``codings.save_memo``).

All from the keyboard: Ctrl+Enter or Ctrl+S saves, Tab moves on to the buttons (it does not
type a tab), and Escape (or closing the window) asks before throwing typed text away."""
from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QPlainTextEdit, QVBoxLayout

from workbench.ui.i18n import tr


class MemoDialog(QDialog):
    def __init__(self, title: str, context: str, text: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("memoDialog")
        self.resize(480, 300)
        self.original = text
        self.context = QLabel(context)
        self.context.setWordWrap(True)
        self.context.setStyleSheet("color: #555;")
        self.edit = QPlainTextEdit(text)
        self.edit.setObjectName("memoText")
        self.edit.setTabChangesFocus(True)
        self.edit.moveCursor(QTextCursor.MoveOperation.End)  # go on writing where the memo ends
        self.hint = QLabel(tr("Ctrl+Enter or Ctrl+S saves · Esc cancels"))
        self.hint.setStyleSheet("color: #777;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        for seq in ("Ctrl+Return", "Ctrl+Enter", QKeySequence.StandardKey.Save):
            QShortcut(QKeySequence(seq), self, activated=self.accept)
        lay = QVBoxLayout(self)
        lay.addWidget(self.context)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.hint)
        lay.addWidget(buttons)
        self.edit.setFocus()

    def text(self) -> str:
        return self.edit.toPlainText().strip()

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text)

    def changed(self) -> bool:
        return self.text() != (self.original or "").strip()

    def ask_discard(self) -> QMessageBox.StandardButton:
        """Save, Discard or Cancel (keep writing); a separate method so tests can answer it."""
        box = QMessageBox(QMessageBox.Icon.Question, tr("Unsaved memo"),
                          tr("The memo has changes that are not saved. Save them?"),
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        return QMessageBox.StandardButton(box.exec())

    def reject(self) -> None:
        """Escape, Cancel or the window's ×: typed text is never thrown away without asking."""
        if self.changed():
            answer = self.ask_discard()
            if answer == QMessageBox.StandardButton.Save:
                self.accept()
                return
            if answer != QMessageBox.StandardButton.Discard:
                self.edit.setFocus()
                return
        super().reject()
