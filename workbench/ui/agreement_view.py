"""Kodning → Enighed…: the inter-coder agreement report as a table.

The numbers are ``workbench.coding.agreement.agreement_report`` (the same as the CLI's
JSON), computed in a worker because a whole project is many (unit, code) pairs; this view
only chooses the coders and the question and lays the report out.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QComboBox, QDialog, QHBoxLayout, QHeaderView, QLabel, QListWidget, QListWidgetItem,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)
from sqlmodel import select

from workbench.coding.agreement import HUMAN_ROLES, agreement_report, default_coders
from workbench.coding.models import Code, Coder, Question
from workbench.ui.answer_model import BAND_NAMES
from workbench.ui.i18n import Texts, number, tr, trf
from workbench.ui.workers import start_worker

COLUMNS = ("Section", "Name", "Alpha", "Kappa", "Agreement %", "Units")
SECTION_BRUSH = "#eef2f7"


def fmt(v: Optional[float], digits: int = 2) -> str:
    """A statistic in the UI locale (0,81 in Danish); – when undefined."""
    return "–" if v is None else QLocale().toString(float(v), "f", digits)


def pct(v: Optional[float]) -> str:
    return "–" if v is None else QLocale().toString(100 * float(v), "f", 1)


def report_rows(rep: dict, labels: dict[str, str]) -> list[tuple]:
    """The report as table rows (section, name, alpha, kappa, percent agreement, n) — kept
    separate from the widget so it is easy to check against the report."""
    ov = rep["overall"]
    rows = [("Overall", tr("All codes"), ov.get("alpha"), None, ov.get("percent_agreement"), rep["units"])]
    if ov.get("set_agreement") is not None:
        rows.append(("Overall", tr("Identical code sets"), None, None, ov["set_agreement"], rep["units"]))
    for key, e in rep["codes"].items():
        kappa = e.get("kappa", e.get("fleiss_kappa"))
        rows.append(("Code", labels.get(key, key), e.get("alpha"), kappa, e.get("percent_agreement"), e.get("n_units")))
    for q, e in rep["by_question"].items():
        rows.append(("Question", q, e.get("alpha"), None, e.get("percent_agreement"), e.get("n_units")))
    for b, e in rep["by_band"].items():
        name = tr(BAND_NAMES[b]) if b in BAND_NAMES else tr("Missing") if b == "mangler" else b
        rows.append(("Band", name, e.get("alpha"), None, e.get("percent_agreement"), e.get("n_units")))
    for key, e in (rep.get("unitizing") or {}).items():
        rows.append(("Passages (u-alpha)", labels.get(key, key), e.get("u_alpha"), None, None, e.get("n_units")))
    return rows


class AgreementDialog(QDialog):
    """Choose coders (and a question), compute in a worker, show the report."""

    computed = Signal(bool)

    def __init__(self, store, parent=None, interactive: bool = True):
        super().__init__(parent)
        self.store = store
        self.interactive = interactive
        self.report: Optional[dict] = None
        self.last_error: Optional[BaseException] = None
        self.worker = None
        self.texts = Texts()
        self.setObjectName("agreementDialog")
        self.texts.bind(self.setWindowTitle, "Inter-coder agreement")
        self.resize(760, 640)
        with store.session() as s:
            coders = [c.name for c in s.exec(select(Coder).order_by(Coder.id)) if c.role in HUMAN_ROLES]
            questions = list(dict.fromkeys(q.key for q in s.exec(select(Question).order_by(Question.position,
                                                                                          Question.id))))
            self.labels = {c.key: c.label for c in s.exec(select(Code).order_by(Code.id))}
            self.labels.update({c.key: c.label for c in store.codes(s)})
        # the coders the CLI compares without --coders: the newest round's, or the two who coded the
        # most answers in common (ticking everyone would let a newcomer's two answers be "all")
        chosen = set(default_coders(store))
        self.coders = QListWidget()
        self.coders.setObjectName("agreementCoders")
        for n in coders:
            it = QListWidgetItem(n)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if n in chosen else Qt.CheckState.Unchecked)
            self.coders.addItem(it)
        # as tall as its rows (at most five), so the table below gets the room
        rows = max(1, min(5, self.coders.count()))
        self.coders.setFixedHeight(rows * max(self.coders.sizeHintForRow(0), 16) + 2 * self.coders.frameWidth() + 2)
        self.question = QComboBox()
        self.question.addItem(tr("All questions"), None)
        for q in questions:
            self.question.addItem(q, q)
        self.compute_btn = QPushButton()
        self.texts.bind(self.compute_btn.setText, "Compute")
        self.compute_btn.clicked.connect(self.compute)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("agreementTable")
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        lbl = QLabel()
        self.texts.bind(lbl.setText, "Coders:")
        top.addWidget(lbl)
        top.addWidget(self.coders, 1)
        side = QVBoxLayout()
        side.addWidget(self.question)
        side.addWidget(self.compute_btn)
        side.addStretch(1)
        top.addLayout(side)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)

    def selected_coders(self) -> list[str]:
        return [self.coders.item(i).text() for i in range(self.coders.count())
                if self.coders.item(i).checkState() == Qt.CheckState.Checked]

    def set_coders(self, names: list[str]) -> None:
        for i in range(self.coders.count()):
            it = self.coders.item(i)
            it.setCheckState(Qt.CheckState.Checked if it.text() in names else Qt.CheckState.Unchecked)

    def compute(self) -> None:
        coders = self.selected_coders()
        if len(coders) < 2:
            self.summary.setText(tr("Choose at least two coders."))
            self.computed.emit(False)
            return
        self.compute_btn.setEnabled(False)
        self.summary.setText(tr("Computing…"))
        self.worker = start_worker(agreement_report, self.store, coders, self.question.currentData(), parent=self,
                                   label=tr("Computing agreement…"), on_done=self._done, on_error=self._failed,
                                   on_cancel=self._cancelled)

    def _cancelled(self) -> None:
        self.compute_btn.setEnabled(True)
        self.summary.setText(tr("Cancelled"))
        self.computed.emit(False)

    def _failed(self, e: BaseException) -> None:
        self.last_error = e
        self.compute_btn.setEnabled(True)
        self.summary.setText(str(e))
        self.computed.emit(False)

    def _done(self, rep: dict) -> None:
        self.report = rep
        self.compute_btn.setEnabled(True)
        ov = rep["overall"]
        self.summary.setText(trf("{0}: {1} answers coded by all. Krippendorff's alpha {2}, agreement {3} %.",
                                 ", ".join(rep["coders"]), number(rep["units"]), fmt(ov.get("alpha")),
                                 pct(ov.get("percent_agreement"))))
        rows = report_rows(rep, self.labels)
        self.table.setRowCount(len(rows))
        bold = QFont()
        bold.setBold(True)
        prev = None
        for r, (section, name, alpha, kappa, agree, n) in enumerate(rows):
            cells = (tr(section) if section != prev else "", str(name), fmt(alpha), fmt(kappa), pct(agree),
                     "" if n is None else number(n))
            for c, text in enumerate(cells):
                it = QTableWidgetItem(text)
                if c >= 2:
                    it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if section != prev:
                    it.setBackground(QBrush(QColor(SECTION_BRUSH)))
                if section == "Overall":
                    it.setFont(bold)
                self.table.setItem(r, c, it)
            prev = section
        self.table.resizeColumnsToContents()
        self.computed.emit(True)


def open_agreement(win) -> Optional[AgreementDialog]:
    """Kodning → Enighed…"""
    if win.store is None:
        return None
    dlg = AgreementDialog(win.store, win, interactive=win.interactive)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    win.agreement_dialog = dlg
    dlg.show()
    if len(dlg.selected_coders()) >= 2:
        dlg.compute()
    return dlg
