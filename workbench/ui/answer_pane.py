"""The current answer in full: who answered (the respondent's background from the survey
definition's variables), what they were asked (the question's wording, the follow-up prompt
of the answer's band, the score with its scale label), the text with its coded passages
highlighted, and the codes applied as removable chips.

The text is read-only but selectable, so a coder can select a passage and press a code's
key to code just that span. Offsets are converted from Qt's UTF-16 positions to code
points, the unit the store and REFI-QDA use.
"""
from __future__ import annotations

import html
from typing import Optional

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QFrame, QLabel, QLayout, QMenu, QTextEdit, QToolButton, QVBoxLayout, QWidget)

from workbench.coding.grid import GridRow, Span
from workbench.ui.answer_model import BAND_COLOURS, BAND_OTHER_COLOUR, band_name
from workbench.ui.i18n import tr, trf


def utf16_to_cp(text: str, pos: int) -> int:
    """A QString (UTF-16) position in ``text`` as a code-point offset."""
    if text.isascii():
        return pos
    units = 0
    for k, ch in enumerate(text):
        if units >= pos:
            return k
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def cp_to_utf16(text: str, cp: int) -> int:
    return cp + sum(1 for ch in text[:cp] if ord(ch) > 0xFFFF)


def layers(spans: list[Span]) -> list[tuple[Span, int]]:
    """Each span with its layer: 0 unless it overlaps an earlier-placed span (interval colouring)."""
    placed: list[tuple[Span, int]] = []
    for sp in sorted((s for s in spans if s.start is not None), key=lambda s: (s.start, -(s.end or 0))):
        busy = {lay for other, lay in placed if other.start < sp.end and sp.start < other.end}
        lay = 0
        while lay in busy:
            lay += 1
        placed.append((sp, lay))
    return placed


class FlowLayout(QLayout):
    """Lays out chips left to right, wrapping (Qt's flow-layout example, trimmed)."""

    def __init__(self, parent=None, spacing: int = 4):
        super().__init__(parent)
        self._items: list = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, i: int):
        return self._items[i] if 0 <= i < len(self._items) else None

    def takeAt(self, i: int):
        return self._items.pop(i) if 0 <= i < len(self._items) else None

    def expandingDirections(self):
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def eventFilter(self, obj, e) -> bool:
        if obj is self.chips_box and e.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._fit_heights()
        return super().eventFilter(obj, e)

    def heightForWidth(self, width: int) -> int:
        return self._do_layout(QRect(0, 0, width, 0), True)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._do_layout(rect, False)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for it in self._items:
            size = size.expandedTo(it.minimumSize())
        return size

    def _do_layout(self, rect: QRect, test: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        sp = self.spacing()
        for it in self._items:
            hint = it.sizeHint()
            if x + hint.width() > rect.right() and line > 0:
                x, y, line = rect.x(), y + line + sp, 0
            if not test:
                it.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + sp
            line = max(line, hint.height())
        return y + line - rect.y()


def _readable_on(colour: str) -> str:
    c = QColor(colour)
    return "#000000" if (0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue()) > 150 else "#ffffff"


class AnswerPane(QWidget):
    """Shows one ``GridRow``; emits ``remove_code(code_id)`` when a chip's × is clicked and
    ``star_code(code_id)`` to mark (or unmark) that code's passages as quotes (chip menu)."""

    remove_code = Signal(int)
    star_code = Signal(int)
    needs_height = Signal(int)  # the height everything but extra answer-text lines needs now

    def __init__(self, parent=None):
        super().__init__(parent)
        self.row: Optional[GridRow] = None
        self.codes: dict[int, object] = {}
        self.questions: dict[int, object] = {}
        self.definition = None            # the project's SurveyDefinition
        self.grid = None                  # the Grid the rows come from (for the background)
        self.respondent: Optional[object] = None
        self.memo_text = ""
        self.starred: set[int] = set()  # coding ids of the answer picked as quotes

        self.who = QLabel()
        self.who.setWordWrap(True)
        self.who.setTextFormat(Qt.TextFormat.RichText)
        self.who.setObjectName("who")
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setTextFormat(Qt.TextFormat.RichText)
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.prompt.setTextFormat(Qt.TextFormat.RichText)
        self.text = QTextEdit()
        self.text.setReadOnly(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text.setAcceptRichText(False)
        self.text.setObjectName("answerText")
        f = self.text.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        self.text.setFont(f)
        self.text.setMinimumHeight(64)
        self.chips_box = QWidget()
        self.chips = FlowLayout(self.chips_box)
        self.chips_box.installEventFilter(self)  # a new width: the chips may need more rows
        self.chips_hint = QLabel()
        self.chips_hint.setWordWrap(True)
        self.chips_hint.setStyleSheet("color: #666;")
        self.memo = QLabel()
        self.memo.setWordWrap(True)
        self.memo.setStyleSheet("color: #5a4a00; background: #fff6cc; padding: 4px; border-radius: 3px;")
        self.flag = QLabel()
        self.flag.setStyleSheet("color: #c0392b; font-weight: bold;")

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.setSpacing(4)
        lay.addWidget(self.who)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        lay.addWidget(line)
        lay.addWidget(self.question)
        lay.addWidget(self.prompt)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.flag)
        lay.addWidget(self.chips_box)
        lay.addWidget(self.chips_hint)
        lay.addWidget(self.memo)
        self.show_row(None)

    # -- layout: nothing is drawn over anything -------------------------------------------------
    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        self._fit_heights()

    def eventFilter(self, obj, e) -> bool:
        if obj is self.chips_box and e.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._fit_heights()
        return super().eventFilter(obj, e)

    def heightForWidth(self, width: int) -> int:
        """What the pane needs (its scroll area asks): the wrapped lines and chips in full and
        the answer text at its minimum, not at its preferred size (the text box scrolls)."""
        return self.minimumSizeHint().height()

    def _fit_heights(self) -> None:
        """Wrapped lines (who, the question with its score badge, the prompt, the memo) and the
        chips, which wrap below the text, claim the height they need at the pane's width, so
        a narrow or low pane squeezes only the answer text (which scrolls) and a splitter
        cannot push one widget over another."""
        if getattr(self, "_batching", False):  # show_row fits once, after header, text and chips
            return
        m = self.layout().contentsMargins()
        w = max(50, self.width() - m.left() - m.right())
        for lab in (self.who, self.question, self.prompt, self.flag, self.chips_hint, self.memo):
            need = lab.heightForWidth(w) if lab.isVisibleTo(self) and lab.text() else 0
            if lab.minimumHeight() != max(0, need):
                lab.setMinimumHeight(max(0, need))
        if self.chips_box.isVisibleTo(self) and self.chips_box.width() > 0:
            w = min(w, self.chips_box.width())
        need = self.chips.heightForWidth(w) if self.chips.count() else 0
        if self.chips_box.minimumHeight() != need:
            self.chips_box.setMinimumHeight(need)
        h = self.minimumSizeHint().height()
        if h != getattr(self, "_needs", None):
            self._needs = h
            self.needs_height.emit(h)

    # -- content -------------------------------------------------------------------------------
    def set_context(self, codes: dict, questions: dict, definition=None, grid=None) -> None:
        """codes: {id: Code}; questions: {id: Question}; the survey definition and the grid
        (whose ``background(i)`` describes the respondent)."""
        self.codes, self.questions, self.definition, self.grid = codes, questions, definition, grid

    def show_row(self, row: Optional[GridRow], respondent=None, memo: str = "",
                 starred: Optional[set[int]] = None) -> None:
        """Show an answer (or nothing). ``respondent`` is the store's Respondent row;
        ``starred`` the ids of its codings picked as quotes (★ on their chips)."""
        same = row is not None and self.row is not None and row.answer_id == self.row.answer_id
        self.row, self.respondent, self.memo_text = row, respondent, memo
        self.starred = set(starred or ())
        if row is None:
            self.who.setText(f"<i>{tr('No answer selected')}</i>")
            for w in (self.question, self.prompt, self.memo, self.flag, self.chips_hint):
                w.setText("")
                w.setVisible(False)
            self.text.clear()
            self._set_chips([])
            return
        self._batching = True
        try:
            self._render_header()
            if not same:
                self.text.setPlainText(row.text)
                self.text.moveCursor(QTextCursor.MoveOperation.Start)
            self._render_codes()
        finally:
            self._batching = False
        self._fit_heights()

    def refresh_texts(self) -> None:
        """Re-render after a language switch."""
        self.show_row(self.row, self.respondent, self.memo_text, self.starred)

    def background(self, row: GridRow) -> list[tuple[str, str, str]]:
        """The respondent's background as (variable key, title, group), from the grid."""
        g = self.grid
        if g is None or not (0 <= row.index < len(g)) or int(g.answer_ids[row.index]) != row.answer_id:
            return []
        return g.background(row.index)

    def _render_header(self) -> None:
        row = self.row
        esc = html.escape
        bits = [f"<b>{esc(row.respondent_key)}</b>"]
        bg = self.background(row)
        primary = self.grid.group_var if self.grid is not None else None
        for key, title, group in bg:
            text = esc(str(group))
            bits.append(f"<span title='{esc(title)}'>{text if key == primary else esc(title) + ': ' + text}</span>")
        bits.append(str(row.year))
        self.who.setText(" · ".join(bits))
        defn = self.definition
        qd = defn.question(row.question_key) if defn is not None else None
        q = self.questions.get(row.question_id)
        band_col = BAND_COLOURS.get(row.band or "", BAND_OTHER_COLOUR if row.band else "#eeeeee")
        if row.score is None:
            score = tr("No score")
        else:
            lab = qd.score_label(row.score) if qd is not None else ""
            score = trf("Score {0}: {1}", row.score, lab) if lab and lab != str(row.score) else trf("Score {0}", row.score)
            if qd is not None and qd.scale:
                score += f" ({qd.scale[0]}–{qd.scale[1]})"
        band = band_name(row.band, defn.band_label(row.band) if defn is not None else "") if row.band else tr("Missing")
        chip = (f"<span style='background:{band_col}; color:#202020; white-space:nowrap'>&nbsp;{esc(score)} · "
                f"{esc(band)}&nbsp;</span>" if (qd is None or qd.scored or row.score is not None) else "")
        title = qd.title if qd is not None else (getattr(q, "topic", "") or "")
        wording = (qd.question if qd is not None else "") or getattr(q, "text", "") or ""
        head = f"<b>{esc(row.question_key)}</b>"
        if title and title != row.question_key and title != wording:
            head += f" <span style='color:#666'>{esc(title)}</span>"
        if chip:  # the score badge on the first line, where a narrow pane still shows it
            head += f"&nbsp;&nbsp;{chip}"
        self.question.setText("<br>".join([head] + ([esc(wording)] if wording else [])))
        prompt = qd.prompt(row.band) if qd is not None else ""
        self.prompt.setText("<i>" + esc(trf("Follow-up: {0}", prompt)) + "</i>" if prompt else "")
        self.question.setVisible(True)
        self.prompt.setVisible(bool(self.prompt.text()))
        self.flag.setText("⚑ " + tr("Flagged for discussion") if row.flagged else "")
        self.flag.setVisible(row.flagged)
        self.memo.setText(trf("Memo: {0}", self.memo_text) if self.memo_text else "")
        self.memo.setVisible(bool(self.memo_text))
        self._fit_heights()

    def _render_codes(self) -> None:
        row = self.row
        by_code: dict[int, list[Span]] = {}
        for sp in row.codings:
            by_code.setdefault(sp.code_id, []).append(sp)
        self._set_chips(list(by_code.items()))
        if not row.codings:
            self.chips_hint.setText(tr("Coded: no code applies") if row.coded else
                                    tr("No codes yet. Press a code's key, or select text first to code a passage."))
            self.chips_hint.setVisible(True)
        else:
            self.chips_hint.setVisible(False)
        self._fit_heights()
        self._highlight()

    def _set_chips(self, items: list[tuple[int, list[Span]]]) -> None:
        while self.chips.count():
            it = self.chips.takeAt(0)
            if it.widget():
                it.widget().deleteLater()
        for code_id, spans in items:
            c = self.codes.get(code_id)
            label = c.label if c is not None else str(code_id)
            colour = c.colour if c is not None else "#808080"
            parts = [tr("whole answer") if sp.start is None else f"{sp.start}–{sp.end}" for sp in spans]
            b = QToolButton()
            sc = f" [{c.shortcut}]" if c is not None and c.shortcut else ""
            star = self.is_starred(code_id)
            b.setText(f"{'★ ' if star else ''}{label}{sc}  ✕")
            b.setToolTip(trf("Remove {0}", label) + "\n" + ", ".join(parts)
                         + ("\n★ " + tr("Marked as a quote") if star else ""))
            b.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            b.customContextMenuRequested.connect(
                lambda pos, cid=code_id, btn=b: self.chip_menu(cid).exec(btn.mapToGlobal(pos)))
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays with the grid
            b.setStyleSheet(f"QToolButton {{ background: {colour}; color: {_readable_on(colour)}; border: none;"
                            f" border-radius: 9px; padding: 3px 9px; font-weight: bold; }}")
            b.setProperty("code_id", code_id)
            b.clicked.connect(lambda _=False, cid=code_id: self.remove_code.emit(cid))
            self.chips.addWidget(b)
        self.chips_box.setVisible(bool(items))
        self.chips_box.updateGeometry()
        self._fit_heights()

    def is_starred(self, code_id: int) -> bool:
        """Whether any of the code's codings on the answer is picked as a quote."""
        return self.row is not None and any(sp.coding_id in self.starred for sp in self.row.codings
                                            if sp.code_id == code_id)

    def chip_menu(self, code_id: int) -> QMenu:
        """A chip's context menu: mark/unmark the code's passages as quotes, remove the code."""
        m = QMenu(self)
        m.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        star = m.addAction(tr("Remove quote mark") if self.is_starred(code_id) else tr("Mark as quote"))
        star.triggered.connect(lambda _c=False, cid=code_id: self.star_code.emit(cid))
        rm = m.addAction(tr("Remove code"))
        rm.triggered.connect(lambda _c=False, cid=code_id: self.remove_code.emit(cid))
        return m

    def _highlight(self) -> None:
        """Coded passages in their code's colour; overlaps blend and the upper layers are
        also underlined, so two codes on the same words stay readable."""
        sels = []
        text = self.row.text
        for sp, lay in layers(list(self.row.codings)):
            c = self.codes.get(sp.code_id)
            colour = QColor(c.colour if c is not None else "#808080")
            fmt = QTextCharFormat()
            bg = QColor(colour)
            bg.setAlpha(80 if lay == 0 else 60)
            fmt.setBackground(bg)
            if lay >= 1:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline if lay == 1
                                      else QTextCharFormat.UnderlineStyle.DashUnderline)
                fmt.setUnderlineColor(colour.darker(130))
                fmt.setFontUnderline(True)
            fmt.setToolTip(c.label if c is not None else "")
            cur = QTextCursor(self.text.document())
            cur.setPosition(cp_to_utf16(text, sp.start))
            cur.setPosition(cp_to_utf16(text, sp.end), QTextCursor.MoveMode.KeepAnchor)
            sel = QTextEdit.ExtraSelection()
            sel.cursor, sel.format = cur, fmt
            sels.append(sel)
        from workbench.ui.privacy import pii_selections  # open personal-data findings, marked on top
        sels += pii_selections(self, text)
        self.text.setExtraSelections(sels)

    # -- selection -------------------------------------------------------------------------
    def selected_span(self) -> Optional[tuple[int, int]]:
        """The selected passage in code points, trimmed of surrounding spaces; None if none."""
        if self.row is None:
            return None
        cur = self.text.textCursor()
        if not cur.hasSelection():
            return None
        text = self.row.text
        a = utf16_to_cp(text, cur.selectionStart())
        b = utf16_to_cp(text, cur.selectionEnd())
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        return (a, b) if a < b else None

    def select_span(self, start: int, end: int) -> None:
        """Select code points start..end (for tests and for jumping to a coded passage)."""
        text = self.row.text if self.row else ""
        cur = self.text.textCursor()
        cur.setPosition(cp_to_utf16(text, start))
        cur.setPosition(cp_to_utf16(text, end), QTextCursor.MoveMode.KeepAnchor)
        self.text.setTextCursor(cur)

    def clear_selection(self) -> None:
        cur = self.text.textCursor()
        cur.clearSelection()
        self.text.setTextCursor(cur)
