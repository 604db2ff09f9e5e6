"""The answer grid: every follow-up answer of a project as columns in memory, for one coder.

The coding window shows, filters and steps through tens of thousands of answers while the
coder types, so everything here is loaded with a fixed handful of queries (answers joined
to respondents and questions, the coder's codings, the coder's states) and filtered with
numpy masks over precomputed, Danish-folded texts. No Qt here: the UI wraps this.
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, fields
from typing import Iterable, NamedTuple, Optional, Sequence

import numpy as np
from sqlalchemy import select

from workbench.coding.definition import builtin
from workbench.coding.models import Answer, AnswerState, Code, Coder, Coding, Question, Respondent, Survey
from workbench.coding.surveys import project_definition

STATUSES = ("uncoded", "coded", "flagged")
_SEP = "\x00"


def _fold_raw(t: str) -> str:
    t = unicodedata.normalize("NFC", t).casefold()
    # str.replace runs in C; a translate table would visit every character in Python
    return t.replace("ä", "æ").replace("ö", "ø").replace("aa", "å")


def fold(text: str) -> str:
    """Danish-aware search form: NFC, casefolded, ä/ö as æ/ø and the old spelling aa as å,
    so that "Aabenraa", "ÅBENRÅ" and "åbenrå" all find each other. Search splits the query
    into words, so whitespace needs no normalising."""
    return _fold_raw((text or "").replace(_SEP, " "))


def fold_many(texts: Sequence[str]) -> list[str]:
    """``fold`` over many texts at once: one pass over a joined string (100k texts in ~0.1 s)."""
    if not texts:
        return []
    out = _fold_raw(_SEP.join(t.replace(_SEP, " ") for t in texts)).split(_SEP)
    if len(out) != len(texts):  # cannot happen (the separator is removed first); be safe anyway
        return [fold(t) for t in texts]
    return out


class Span(NamedTuple):
    """One coding of the current coder: which code, where (None = whole answer)."""

    coding_id: int
    code_id: int
    start: Optional[int]
    end: Optional[int]


@dataclass(frozen=True)
class GridRow:
    """One answer as the grid shows it (built on demand from the columns)."""

    index: int
    answer_id: int
    respondent_id: int
    respondent_key: str
    group: str                      # the respondent's group in the survey's primary grouping
    question_key: str
    question_id: int
    year: int
    score: Optional[int]
    band: Optional[str]
    text: str
    code_ids: tuple[int, ...]
    codings: tuple[Span, ...]
    status: str
    coded: bool
    flagged: bool


@dataclass
class GridFilter:
    """What the coder asked to see; None / "" means no restriction on that field."""

    question: Optional[str] = None
    band: Optional[str] = None
    group: Optional[tuple[str, str]] = None  # (variable key, group): respondents in that group
    coder: Optional[str] = None      # answers that this coder has marked coded
    code: Optional[int] = None       # answers the current coder gave this code id
    status: Optional[str] = None     # uncoded | coded | flagged
    text: str = ""
    year: Optional[int] = None

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) in (None, "") for f in fields(self))


class _Categorical:
    """Strings stored as small integers, so that equality filters are one numpy compare."""

    def __init__(self, values: Sequence[Optional[str]]):
        index: dict[Optional[str], int] = {}
        setdefault = index.setdefault
        self.codes = np.fromiter((setdefault(v, len(index)) for v in values), dtype=np.int32, count=len(values))
        self.labels: list[Optional[str]] = list(index)
        self._index = index

    def take(self, idx: np.ndarray) -> "_Categorical":
        """The same labels for the rows ``idx`` (maps a small table onto the answers)."""
        out = _Categorical.__new__(_Categorical)
        out.labels, out._index, out.codes = self.labels, self._index, self.codes[idx]
        return out

    def mask(self, value: Optional[str]) -> np.ndarray:
        k = self._index.get(value)
        if k is None:
            return np.zeros(len(self.codes), dtype=bool)
        return self.codes == k

    def __getitem__(self, i: int) -> Optional[str]:
        return self.labels[self.codes[i]]


class Grid:
    """All answers with text of a project, with the given coder's codings and states."""

    SORT_KEYS = ("respondent", "group", "question", "score", "band", "text", "codes", "status")

    def __init__(self, store, coder: str):
        self.store = store
        self.coder = coder
        self.coder_id: Optional[int] = None
        self.load()

    # -- loading -------------------------------------------------------------------------
    def load(self) -> None:
        """(Re)load everything with six queries whatever the size: respondents, questions,
        answers (no joins: the small tables are mapped in numpy), the coder, codings, states."""
        with self.store.engine.connect() as conn:
            cid = conn.execute(select(Coder.id).where(Coder.name == self.coder)).scalar()
            self.coder_id = cid
            resp = conn.execute(select(Respondent.id, Respondent.key, Respondent.variables)
                                .order_by(Respondent.key, Respondent.id)).all()
            quest = conn.execute(select(Question.id, Question.key, Question.position, Survey.year)
                                 .join(Survey, Survey.id == Question.survey_id)).all()
            rows = conn.execute(select(Answer.id, Answer.respondent_id, Answer.question_id, Answer.score,
                                       Answer.band, Answer.text).where(Answer.text != "")).all()
            codings = [] if cid is None else conn.execute(
                select(Coding.answer_id, Coding.id, Coding.code_id, Coding.start, Coding.end)
                .where(Coding.coder_id == cid).order_by(Coding.id)).all()
            states = [] if cid is None else conn.execute(
                select(AnswerState.answer_id, AnswerState.coded, AnswerState.flagged)
                .where(AnswerState.coder_id == cid)).all()
        n = len(rows)
        cols = list(zip(*rows)) if rows else [()] * 6
        # respondents and questions: position of each id in the small tables (ids are dense)
        r_ids = np.fromiter((r[0] for r in resp), dtype=np.int64, count=len(resp))
        r_pos = np.full(int(r_ids.max()) + 1 if len(resp) else 1, -1, dtype=np.int64)
        r_pos[r_ids] = np.arange(len(resp))  # = rank of the respondent key
        q_ids = np.fromiter((q[0] for q in quest), dtype=np.int64, count=len(quest))
        q_pos = np.full(int(q_ids.max()) + 1 if len(quest) else 1, -1, dtype=np.int64)
        q_pos[q_ids] = np.arange(len(quest))
        a_resp = np.fromiter(cols[1], dtype=np.int64, count=n)
        a_q = np.fromiter(cols[2], dtype=np.int64, count=n)
        ri, qi = r_pos[a_resp], q_pos[a_q]
        q_year = np.fromiter((q[3] for q in quest), dtype=np.int64, count=len(quest))
        q_order = np.fromiter((q[2] for q in quest), dtype=np.int64, count=len(quest))
        a_ids = np.fromiter(cols[0], dtype=np.int64, count=n)
        # the coding order: year, question, respondent id (as the questionnaire is coded)
        order = np.lexsort((a_ids, ri, q_order[qi], q_year[qi])) if n else np.zeros(0, dtype=np.int64)
        ri, qi = ri[order], qi[order]
        self.answer_ids = a_ids[order]
        self.respondent_ids = a_resp[order]
        rkeys = [r[1] for r in resp]
        self.respondent_keys: list[str] = [rkeys[j] for j in ri.tolist()]
        with self.store.session() as s:
            self.definition = project_definition(s) or builtin()
        self.group_var = self.definition.primary_group
        values = [r[2] if isinstance(r[2], dict) else json.loads(r[2] or "{}") for r in resp]
        self.groups: dict[str, _Categorical] = {
            k: _Categorical(col).take(ri) for k, col in self.definition.group_columns(values).items()}
        empty = _Categorical([None] * len(resp)).take(ri)
        self.group_column = self.groups.get(self.group_var, empty) if self.group_var else empty
        self.questions = _Categorical([q[1] for q in quest]).take(qi)
        self.question_ids = a_q[order]
        self.years = q_year[qi]
        self.scores = np.fromiter((-1 if s is None else s for s in cols[3]), dtype=np.int64, count=n)[order]
        self.bands = _Categorical(cols[4]).take(order)
        olist = order.tolist()
        texts = cols[5]
        self.texts: list[str] = [texts[j] for j in olist]
        self.folded: list[str] = fold_many(self.texts)
        self.row_of: dict[int, int] = {int(a): i for i, a in enumerate(self.answer_ids)}
        self.codings: list[tuple[Span, ...]] = [()] * n
        per: dict[int, list[Span]] = {}
        for aid, cdid, code_id, st, en in codings:
            per.setdefault(aid, []).append(Span(cdid, code_id, st, en))
        for aid, spans in per.items():
            i = self.row_of.get(aid)
            if i is not None:
                self.codings[i] = tuple(spans)
        self.coded = np.zeros(n, dtype=bool)
        self.flagged = np.zeros(n, dtype=bool)
        for aid, coded, flagged in states:
            i = self.row_of.get(aid)
            if i is not None:
                self.coded[i], self.flagged[i] = bool(coded), bool(flagged)
        self._coded_by: dict[str, np.ndarray] = {}
        self._ranks: dict[str, np.ndarray] = {}
        self._pairs: Optional[tuple[np.ndarray, np.ndarray]] = None
        self._code_pairs()  # here (often a worker thread), not on the first code filter

    def __len__(self) -> int:
        return len(self.answer_ids)

    def refresh_answer(self, answer_id: int) -> Optional[int]:
        """Re-read one answer's codings and state after an action; returns its row index."""
        i = self.row_of.get(answer_id)
        if i is None:
            return None
        with self.store.engine.connect() as conn:
            if self.coder_id is None:
                self.coder_id = conn.execute(select(Coder.id).where(Coder.name == self.coder)).scalar()
            if self.coder_id is None:
                return i
            cds = conn.execute(select(Coding.id, Coding.code_id, Coding.start, Coding.end)
                               .where(Coding.answer_id == answer_id, Coding.coder_id == self.coder_id)
                               .order_by(Coding.id)).all()
            st = conn.execute(select(AnswerState.coded, AnswerState.flagged)
                              .where(AnswerState.answer_id == answer_id, AnswerState.coder_id == self.coder_id)).first()
        self.codings[i] = tuple(Span(*r) for r in cds)
        self.coded[i], self.flagged[i] = (bool(st[0]), bool(st[1])) if st else (False, False)
        if self._pairs is not None:  # swap this row's entries (numpy, no rebuild over all rows)
            rows, codes = self._pairs
            keep = rows != i
            new = np.fromiter(self.code_ids(i), dtype=np.int64)
            self._pairs = (np.concatenate([rows[keep], np.full(len(new), i, dtype=np.int64)]),
                           np.concatenate([codes[keep], new]))
        self._coded_by.clear()
        self._ranks.pop("codes", None)
        self._ranks.pop("status", None)
        return i

    # -- rows ----------------------------------------------------------------------------
    def code_ids(self, i: int) -> tuple[int, ...]:
        """The distinct codes of row i, in the order they were applied."""
        return tuple(dict.fromkeys(c.code_id for c in self.codings[i]))

    def status(self, i: int) -> str:
        return "flagged" if self.flagged[i] else ("coded" if self.coded[i] else "uncoded")

    def row(self, i: int) -> GridRow:
        score = int(self.scores[i])
        return GridRow(
            index=i, answer_id=int(self.answer_ids[i]), respondent_id=int(self.respondent_ids[i]),
            respondent_key=self.respondent_keys[i], group=self.group_column[i] or "",
            question_key=self.questions[i] or "", question_id=int(self.question_ids[i]), year=int(self.years[i]),
            score=None if score < 0 else score, band=self.bands[i], text=self.texts[i], code_ids=self.code_ids(i),
            codings=self.codings[i], status=self.status(i), coded=bool(self.coded[i]), flagged=bool(self.flagged[i]))

    def background(self, i: int) -> list[tuple[str, str, str]]:
        """The respondent of row i as (variable key, variable title, group as people read it),
        in the definition's order, variables without a value left out."""
        out = []
        for v in self.definition.variables:
            g = self.groups[v.key][i]
            if g is not None:
                out.append((v.key, v.title, self.definition.group_description(v.key, g)))
        return out

    def rows(self, indices: Iterable[int]) -> list[GridRow]:
        return [self.row(int(i)) for i in indices]

    # -- filtering -----------------------------------------------------------------------
    def coded_by(self, coder: str) -> np.ndarray:
        """Mask of the answers that ``coder`` has marked coded (one query, cached)."""
        m = self._coded_by.get(coder)
        if m is None:
            with self.store.engine.connect() as conn:
                ids = conn.execute(select(AnswerState.answer_id).join(Coder, Coder.id == AnswerState.coder_id)
                                   .where(Coder.name == coder, AnswerState.coded == True)).scalars().all()  # noqa: E712
            m = np.zeros(len(self), dtype=bool)
            idx = [self.row_of[a] for a in ids if a in self.row_of]
            m[idx] = True
            self._coded_by[coder] = m
        return m

    def _code_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (row, code id) the coder applied, distinct per row, as two arrays: built once
        from ``codings`` and kept up to date by ``refresh_answer``, so code filters and counts
        are numpy operations instead of a Python pass over every row."""
        if self._pairs is None:
            rows: list[int] = []
            codes: list[int] = []
            for i, cs in enumerate(self.codings):
                if cs:
                    ids = dict.fromkeys(c.code_id for c in cs)
                    rows.extend([i] * len(ids))
                    codes.extend(ids)
            self._pairs = (np.array(rows, dtype=np.int64), np.array(codes, dtype=np.int64))
        return self._pairs

    def code_mask(self, code_id: int) -> np.ndarray:
        rows, codes = self._code_pairs()
        m = np.zeros(len(self), dtype=bool)
        m[rows[codes == code_id]] = True
        return m

    def text_mask(self, query: str, base: Optional[np.ndarray] = None) -> np.ndarray:
        """Rows whose folded text holds every word of the query (only rows in ``base``)."""
        words = fold(query).split()
        n = len(self)
        if not words:
            return np.ones(n, dtype=bool)
        hits = range(n) if base is None else np.flatnonzero(base).tolist()
        folded = self.folded
        for w in words:  # narrow word by word: each pass is a tight C-level `in` per row
            hits = [i for i in hits if w in folded[i]]
        m = np.zeros(n, dtype=bool)
        m[hits] = True
        return m

    def mask(self, f: GridFilter) -> np.ndarray:
        m = np.ones(len(self), dtype=bool)
        if f.question:
            m &= self.questions.mask(f.question)
        if f.band:
            m &= self.bands.mask(None if f.band == "missing" else f.band)
        if f.group:
            var, value = f.group
            cat = self.groups.get(var)
            m &= cat.mask(value) if cat is not None else np.zeros(len(self), dtype=bool)
        if f.year:
            m &= self.years == int(f.year)
        if f.status == "uncoded":
            m &= ~self.coded
        elif f.status == "coded":
            m &= self.coded
        elif f.status == "flagged":
            m &= self.flagged
        elif f.status:
            raise ValueError(f"status {f.status!r} is not one of {', '.join(STATUSES)}")
        if f.coder:
            m &= self.coded_by(f.coder)
        if f.code is not None:
            m &= self.code_mask(int(f.code))
        if f.text and f.text.strip():
            m &= self.text_mask(f.text, base=m)  # the text scan only visits rows still in
        return m

    def filter(self, f: Optional[GridFilter] = None) -> np.ndarray:
        """Indices of the matching rows, in load order."""
        if f is None or f.is_empty():
            return np.arange(len(self), dtype=np.int64)
        return np.flatnonzero(self.mask(f)).astype(np.int64)

    # -- sorting -------------------------------------------------------------------------
    def _rank(self, key: str) -> np.ndarray:
        r = self._ranks.get(key)
        if r is None:
            if key == "respondent":
                vals = self.respondent_keys
            elif key == "group":
                vals = [self.group_column.labels[c] or "" for c in self.group_column.codes]
            elif key == "question":
                r = np.arange(len(self))  # load order is question order
            elif key == "score":
                r = np.argsort(np.argsort(self.scores, kind="stable"), kind="stable")
            elif key == "band":
                order = {b: k for k, b in enumerate(self.definition.bands)}
                r = np.fromiter((order.get(b, len(order)) for b in (self.bands.labels[c] for c in self.bands.codes)),
                                dtype=np.int64, count=len(self))
            elif key == "text":
                vals = self.folded
            elif key == "codes":
                vals = [" ".join(map(str, self.code_ids(i))) for i in range(len(self))]
            elif key == "status":
                r = np.where(self.flagged, 2, np.where(self.coded, 1, 0))
            else:
                raise ValueError(f"cannot sort by {key!r}")
            if r is None:
                order = sorted(range(len(vals)), key=vals.__getitem__)
                r = np.empty(len(vals), dtype=np.int64)
                r[order] = np.arange(len(vals))
            self._ranks[key] = r
        return r

    def sort(self, indices: np.ndarray, key: str, descending: bool = False) -> np.ndarray:
        """The given row indices ordered by a column (stable, so ties keep load order)."""
        indices = np.asarray(indices, dtype=np.int64)
        r = self._rank(key)[indices]
        order = np.argsort(-r if descending else r, kind="stable")
        return indices[order]

    # -- stepping ------------------------------------------------------------------------
    @staticmethod
    def step(visible: Sequence[int], position: int, delta: int) -> int:
        """The position ``delta`` rows from ``position`` in the visible order, clamped."""
        if len(visible) == 0:
            return -1
        return max(0, min(len(visible) - 1, position + delta))

    def next_uncoded(self, visible: Sequence[int], position: int, wrap: bool = True) -> int:
        """The position of the next visible row the coder has not coded yet, or -1."""
        vis = np.asarray(visible, dtype=np.int64)
        if len(vis) == 0:
            return -1
        unc = ~self.coded[vis]
        after = np.flatnonzero(unc[position + 1:])
        if len(after):
            return int(position + 1 + after[0])
        if wrap:
            before = np.flatnonzero(unc[:max(position, 0)])
            if len(before):
                return int(before[0])
        return -1

    def code_counts(self, indices: np.ndarray) -> dict[int, int]:
        """How many of the given rows carry each code (for the codebook panel)."""
        rows, codes = self._code_pairs()
        indices = np.asarray(indices, dtype=np.int64)
        if not len(rows) or not len(indices):
            return {}
        times = np.bincount(indices, minlength=len(self))[rows]  # how often each pair's row is asked for
        ids, inv = np.unique(codes, return_inverse=True)
        per = np.bincount(inv, weights=times, minlength=len(ids))
        return {int(c): int(n) for c, n in zip(ids, per) if n}


def load_grid(store, coder: str) -> Grid:
    return Grid(store, coder)


def active_codes(store) -> list[Code]:
    """The active codebook's codes, retired included (the grid may show old codings)."""
    with store.session() as s:
        return store.codes(s)
