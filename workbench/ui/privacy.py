"""Personal data in the GUI: Kodning → "Find personoplysninger" (a scan in a worker), open
findings marked in the answer text (dotted red underline on a hatched background, the type as
tooltip), and Kodning → "Pseudonymisér…" for supervisors: a list of findings with check
boxes, "keep the original texts", and "allow" for false alarms.

All the work is done by ``workbench.coding.privacy``; this module only asks and shows.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QBrush, QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QMessageBox, QPushButton,
                               QTextEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout)

from workbench.coding import privacy
from workbench.coding.team import STAFF
from workbench.ui.i18n import tr, trf
from workbench.ui.workers import start_worker

TYPE_NAMES = {"PERSON": "Name", "CPR": "CPR number", "PHONE": "Phone number", "EMAIL": "E-mail",
              "ADDRESS": "Address"}
PII_COLOUR = QColor("#c0392b")


def type_name(t: str) -> str:
    return tr(TYPE_NAMES.get(t, t))


# -------------------------------------------------------------------- the answer pane's marks
def pii_selections(pane, text: str) -> list:
    """Extra selections marking the open findings of the pane's answer (called by the pane's
    highlighter; empty when no controller is attached)."""
    provider = getattr(pane, "pii_provider", None)
    row = getattr(pane, "row", None)
    if provider is None or row is None:
        return []
    from workbench.ui.answer_pane import cp_to_utf16

    out = []
    for start, end, typ in provider(row.answer_id):
        if not (0 <= start < end <= len(text)):
            continue  # the finding is from an older text: rescan
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)  # (setFontUnderline would make it solid)
        fmt.setUnderlineColor(PII_COLOUR)
        bg = QColor(PII_COLOUR)
        bg.setAlpha(70)
        fmt.setBackground(QBrush(bg, Qt.BrushStyle.BDiagPattern))
        fmt.setToolTip(trf("Personal data: {0}", type_name(typ)))
        fmt.setProperty(QTextCharFormat.Property.UserProperty, f"pii:{typ}")
        cur = QTextCursor(pane.text.document())
        cur.setPosition(cp_to_utf16(text, start))
        cur.setPosition(cp_to_utf16(text, end), QTextCursor.MoveMode.KeepAnchor)
        sel = QTextEdit.ExtraSelection()
        sel.cursor, sel.format = cur, fmt
        out.append(sel)
    return out


# -------------------------------------------------------------------- the review dialog
class PseudonymiseDialog(QDialog):
    """Open findings with check boxes; pseudonymise or allow the checked ones."""

    def __init__(self, store, actor: str, parent=None, answer_ids=None):
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.result_text = ""
        self.setWindowTitle(tr("Pseudonymise personal data"))
        self.resize(820, 480)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([tr("Type"), tr("Words"), tr("Context"), tr("Respondent"), tr("Question")])
        self.tree.setColumnWidth(0, 130)
        self.tree.setColumnWidth(1, 160)
        self.tree.setColumnWidth(2, 330)
        self.keep = QCheckBox(tr("Keep the original texts in the project (exports never show them)"))
        self.all_box = QCheckBox(tr("Check all"))
        self.all_box.setChecked(True)
        self.all_box.toggled.connect(self._check_all)
        self.buttons = QDialogButtonBox()
        self.btn_pseudo = QPushButton(tr("Pseudonymise checked"))
        self.btn_allow = QPushButton(tr("Allow checked"))
        self.btn_allow.setToolTip(tr("Leave the checked findings as written, also in exports"))
        self.buttons.addButton(self.btn_pseudo, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.btn_allow, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.btn_pseudo.clicked.connect(self.pseudonymise)
        self.btn_allow.clicked.connect(self.allow)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.info)
        lay.addWidget(self.tree, 1)
        row = QHBoxLayout()
        row.addWidget(self.all_box)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addWidget(self.keep)
        lay.addWidget(self.buttons)
        self.load(answer_ids)

    def load(self, answer_ids=None) -> None:
        self.tree.clear()
        self.found = privacy.findings(self.store, answer_ids=answer_ids, status="open")
        for f in self.found:
            it = QTreeWidgetItem([type_name(f.type), f.span, " ".join(f.context.split()), f.respondent, f.question])
            it.setData(0, Qt.ItemDataRole.UserRole, f.id)
            it.setCheckState(0, Qt.CheckState.Checked)
            self.tree.addTopLevelItem(it)
        self.info.setText(trf("{0} open findings. Pseudonymising replaces the words with a placeholder such as [NAVN]; coded passages move with the text.", len(self.found)))  # noqa: E501
        for b in (self.btn_pseudo, self.btn_allow, self.all_box):
            b.setEnabled(bool(self.found))

    def _check_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for i in range(self.tree.topLevelItemCount()):
            self.tree.topLevelItem(i).setCheckState(0, state)

    def checked_ids(self) -> list[int]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            it = self.tree.topLevelItem(i)
            if it.checkState(0) == Qt.CheckState.Checked:
                out.append(int(it.data(0, Qt.ItemDataRole.UserRole)))
        return out

    def pseudonymise(self) -> None:
        ids = self.checked_ids()
        if not ids:
            return
        res = privacy.pseudonymise(self.store, self.actor, finding_ids=ids, keep_original=self.keep.isChecked())
        self.result_text = trf("Pseudonymised {0} findings in {1} answers", res.findings, res.answers)
        self.accept()

    def allow(self) -> None:
        ids = self.checked_ids()
        if not ids:
            return
        n = privacy.allow(self.store, self.actor, ids)
        self.result_text = trf("Allowed {0} findings", n)
        self.accept()


# -------------------------------------------------------------------- the controller
class PrivacyController:
    """Menu actions, the findings cache the answer pane reads, and the refresh after changes."""

    def __init__(self, mw):
        self.mw = mw
        self._spans: dict[int, list[tuple[int, int, str]]] = {}
        self._store = None
        self.act_scan = QAction(mw)
        mw.texts.bind(self.act_scan.setText, "Find personal data")
        self.act_scan.triggered.connect(self.scan)
        self.act_pseudo = QAction(mw)
        mw.texts.bind(self.act_pseudo.setText, "Pseudonymise…")
        self.act_pseudo.triggered.connect(self.open_dialog)
        mw.m_coding.addSeparator()
        mw.m_coding.addAction(self.act_scan)
        mw.m_coding.addAction(self.act_pseudo)
        mw.pane.pii_provider = self.spans_for
        mw.project_loaded.connect(lambda _ok: self.reload())
        self.worker = None
        self.last_result: Optional[privacy.ScanResult] = None

    # the cache of open findings, per answer
    def reload(self) -> None:
        store = self.mw.store
        self._store = store
        self._spans = {}
        if store is None:
            return
        for f in privacy.findings(store, status="open"):
            self._spans.setdefault(f.answer_id, []).append((f.start, f.end, f.type))
        self.rehighlight()

    def spans_for(self, answer_id: int) -> list[tuple[int, int, str]]:
        if self._store is not self.mw.store:
            self.reload()
        return self._spans.get(answer_id, [])

    def rehighlight(self) -> None:
        pane = self.mw.pane
        if getattr(pane, "row", None) is not None:
            pane._highlight()

    # actions
    def scan(self):
        if self.mw.store is None:
            return None

        def done(res: privacy.ScanResult) -> None:
            self.last_result = res
            self.reload()
            counts = ", ".join(f"{type_name(t)} {n}" for t, n in res.by_type.items()) or tr("none")
            msg = trf("Personal data found: {0}", counts)
            self.mw.statusBar().showMessage(msg, 15000)
            if self.mw.interactive and res.by_type and self.is_supervisor():
                if QMessageBox.question(self.mw, tr("Find personal data"),
                                        msg + "\n\n" + tr("Review and pseudonymise the findings now?")) \
                        == QMessageBox.StandardButton.Yes:
                    self.open_dialog()

        def failed(e: BaseException) -> None:
            self.mw.last_error = e
            if self.mw.interactive:
                QMessageBox.warning(self.mw, tr("Find personal data"), str(e))

        self.worker = start_worker(privacy.scan_project, self.mw.store, parent=self.mw,
                                   label=tr("Looking for personal data…"), on_done=done, on_error=failed)
        return self.worker

    def is_supervisor(self) -> bool:
        from sqlmodel import select

        from workbench.coding.models import Coder

        with self.mw.store.session() as s:
            c = s.exec(select(Coder).where(Coder.name == self.mw.coder)).first()
        return c is not None and c.role in STAFF

    def open_dialog(self, exec_: bool = True) -> Optional[PseudonymiseDialog]:
        if self.mw.store is None:
            return None
        if not self.is_supervisor():
            if self.mw.interactive:
                QMessageBox.information(self.mw, tr("Pseudonymise personal data"),
                                        trf("Only a supervisor can pseudonymise; you are coding as {0}.",
                                            self.mw.coder))
            return None
        dlg = PseudonymiseDialog(self.mw.store, self.mw.coder, self.mw)
        dlg.accepted.connect(lambda: self.after_change(dlg.result_text))
        if exec_:
            dlg.exec()
        return dlg

    def after_change(self, message: str) -> None:
        """Texts and spans changed: reload the grid (keeping the answer) and the marks."""
        from workbench.coding.grid import Grid

        mw = self.mw
        mw.pane.row = None  # the same answer with a new text: make the pane render it again
        mw.set_project(mw.store, Grid(mw.store, mw.coder), mw.project, keep_answer=mw.current_answer_id())
        self.reload()
        if message:
            mw.statusBar().showMessage(message, 15000)


def attach(mw) -> PrivacyController:
    """Install the privacy actions on a main window."""
    return PrivacyController(mw)
