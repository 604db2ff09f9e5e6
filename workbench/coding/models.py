"""Every table of a project, in one readable place (as Taguette keeps its models).

A project is one database: a SQLite file by default, or a PostgreSQL database for teams.
The schema is created and upgraded only by the Alembic migrations in
``workbench/coding/migrations``; change a table here, then add a migration there.

Conventions
- ``key`` columns hold the ids people and files use (``q1``, ``sagsbehandlerskift``,
  the survey's respondent id); integer ``id`` columns are internal.
- ``uid`` columns hold stable UUIDs, so that codings survive a merge between project
  copies and a round trip through REFI-QDA.
- Coding state is per coder: ``Coding`` rows are the codes a coder applied,
  ``AnswerState`` says whether the coder has finished (or flagged) an answer, so that
  "coded, no code applies" is distinct from "not coded yet".
- ``AuditEvent`` is append-only: the audit trail and the change feed other clients
  poll to refresh.
"""
from __future__ import annotations

import os
import uuid as _uuid
from datetime import datetime, timezone
from typing import Any, Optional

import numpy as np
from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text as sa_text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_uid() -> str:
    return str(_uuid.uuid4())


def new_uids(n: int) -> list[str]:
    """``n`` random UUID4 strings, as ``new_uid`` makes them, from one urandom call (the
    per-call cost of uuid.uuid4 dominated large imports)."""
    if n <= 0:
        return []
    b = np.frombuffer(os.urandom(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    b[:, 6] = (b[:, 6] & 0x0F) | 0x40  # version 4
    b[:, 8] = (b[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    hexd = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    out = np.full((n, 37), ord("-"), dtype=np.uint8)
    out[:, 36] = ord(",")
    digits = np.empty((n, 32), dtype=np.uint8)
    digits[:, 0::2], digits[:, 1::2] = hexd[b >> 4], hexd[b & 0x0F]
    out[:, _UID_POS] = digits
    return out.tobytes().decode("ascii").split(",")[:n]


_UID_POS = [i for i in range(36) if i not in (8, 13, 18, 23)]


class Project(SQLModel, table=True):
    """One row: the project's name and settings (JSON: min cell size, NLP threshold, ...)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    created_at: datetime = Field(default_factory=utcnow)
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Survey(SQLModel, table=True):
    """One survey wave (a year); respondents and questions belong to it.

    ``definition`` is the whole survey definition the wave was read with (its questions,
    scales, bands and variables; see ``definition.py``): the one home of the survey's shape.
    """

    __table_args__ = (UniqueConstraint("name", "year", name="uq_survey_name_year"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    year: int
    created_at: datetime = Field(default_factory=utcnow)
    definition: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Question(SQLModel, table=True):
    """A question of a wave, as answers refer to it; its scale, bands and prompts are in the
    wave's definition (``Survey.definition``), matched by ``key`` across waves."""

    __table_args__ = (UniqueConstraint("survey_id", "key", name="uq_question_key"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    key: str
    position: int = 0
    topic: str = ""
    text: str = ""
    scale_labels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Respondent(SQLModel, table=True):
    """A person who answered, with the background variables of the survey's definition.

    ``variables`` holds each variable read from the file by its key (a category's code, a
    number); derived groupings and bins are computed from the definition when read.
    ``extra`` keeps the file's other columns, so nothing read is lost.
    """

    __table_args__ = (UniqueConstraint("survey_id", "key", name="uq_respondent_key"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, index=True, unique=True)
    survey_id: int = Field(foreign_key="survey.id")
    key: str
    variables: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    extra: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Answer(SQLModel, table=True):
    """One respondent's score on one question and the open follow-up text.

    ``band`` is derived from ``score`` at import by the question's band rule and stored so that
    filters and frequency tables are plain indexed queries. ``text_original`` keeps the
    text before pseudonymisation, only when the supervisor chose to keep it.
    """

    __table_args__ = (
        UniqueConstraint("respondent_id", "question_id", name="uq_answer"),
        Index("ix_answer_question_band", "question_id", "band"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, index=True, unique=True)
    respondent_id: int = Field(foreign_key="respondent.id")
    question_id: int = Field(foreign_key="question.id")
    score: Optional[int] = None
    band: Optional[str] = None
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    text_original: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))


class Codebook(SQLModel, table=True):
    """A codebook loaded into the project (the project codes with exactly one active)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    name: str = ""
    version: str = ""
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    active: bool = True


class Code(SQLModel, table=True):
    """A theme of the codebook. Retired codes stay so that old codings keep their meaning."""

    __table_args__ = (UniqueConstraint("codebook_id", "key", name="uq_code_key"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, index=True, unique=True)
    codebook_id: int = Field(foreign_key="codebook.id", index=True)
    key: str
    label: str
    category: str = ""
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    inclusion: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    exclusion: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    examples: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    bands: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    questions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    colour: str = "#808080"
    shortcut: Optional[str] = None
    parent_id: Optional[int] = Field(default=None, foreign_key="code.id")
    position: int = 0
    retired: bool = False
    version: int = 1


class Coder(SQLModel, table=True):
    """A person (or the reconciled ``final`` coding) that codings belong to."""

    id: Optional[int] = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, index=True, unique=True)
    name: str = Field(unique=True)
    role: str = "coder"  # coder | supervisor | admin | final
    created_at: datetime = Field(default_factory=utcnow)


class AnswerState(SQLModel, table=True):
    """A coder's state of an answer: coded (possibly with no code applying) or flagged.

    ``version`` is bumped on every change; team clients update with the version they read
    and get a conflict instead of silently overwriting another person's change.
    """

    __table_args__ = (
        UniqueConstraint("answer_id", "coder_id", name="uq_answer_state"),
        Index("ix_answer_state_coder", "coder_id", "coded"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    answer_id: int = Field(foreign_key="answer.id")
    coder_id: int = Field(foreign_key="coder.id")
    coded: bool = False
    flagged: bool = False
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 1


class Coding(SQLModel, table=True):
    """A code applied by a coder to an answer, to the whole text or a span of it.

    Offsets count code points, end exclusive (as REFI-QDA and the contract do).
    """

    __table_args__ = (
        Index("ix_coding_answer_coder", "answer_id", "coder_id"),
        # a coder's codes per answer read from the index alone (theme frequencies)
        Index("ix_coding_coder_code_answer", "coder_id", "code_id", "answer_id"),
        # one coding per answer, coder, code and span; a whole-answer coding (no span) counts
        # as the span -1..-1, so that two of them collide (NULLs never would)
        Index("uq_coding_span", "answer_id", "coder_id", "code_id", sa_text("coalesce(start, -1)"),
              sa_text('coalesce("end", -1)'), unique=True),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, index=True, unique=True)
    answer_id: int = Field(foreign_key="answer.id")
    coder_id: int = Field(foreign_key="coder.id")
    code_id: int = Field(foreign_key="code.id", index=True)
    start: Optional[int] = None
    end: Optional[int] = None
    source: str = "manual"  # manual | import | suggestion | reconcile | merge
    created_at: datetime = Field(default_factory=utcnow)


class Memo(SQLModel, table=True):
    """A note on an answer, a code or the project, written by a coder."""

    __table_args__ = (Index("ix_memo_target", "target_type", "target_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, index=True, unique=True)
    target_type: str  # answer | code | project
    target_id: int
    coder_id: Optional[int] = Field(default=None, foreign_key="coder.id")
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Round(SQLModel, table=True):
    """A coding round: who codes which answers; blind until the supervisor releases it."""

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    blind: bool = True
    released: bool = False
    reliability: bool = False  # a reliability sample: no NLP suggestions shown
    created_by: Optional[int] = Field(default=None, foreign_key="coder.id")
    created_at: datetime = Field(default_factory=utcnow)
    spec: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Assignment(SQLModel, table=True):
    """One answer assigned to one coder within a round."""

    __table_args__ = (
        UniqueConstraint("round_id", "answer_id", "coder_id", name="uq_assignment"),
        Index("ix_assignment_coder", "coder_id", "answer_id"),
        Index("ix_assignment_answer", "answer_id", "round_id"),  # "is this answer in a blind round?" (RLS)
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id")
    answer_id: int = Field(foreign_key="answer.id")
    coder_id: int = Field(foreign_key="coder.id")


class Decision(SQLModel, table=True):
    """A supervisor's reconciliation of one answer; the decided codes are the ``final``
    coder's codings. ``codes`` records what was decided (code keys), ``basis`` how."""

    __table_args__ = (UniqueConstraint("answer_id", name="uq_decision_answer"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    answer_id: int = Field(foreign_key="answer.id")
    decided_by: int = Field(foreign_key="coder.id")
    basis: str = "manual"  # agreed | coder:<name> | union | manual | none
    codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str = ""
    decided_at: datetime = Field(default_factory=utcnow)
    version: int = 1
    # The coders' codings the decision was made on ({coder: [[code, start, end], ...]}), so a
    # later change by a coder shows the decision as stale instead of silently overriding it.
    inputs: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SuggestionFeedback(SQLModel, table=True):
    """A coder's verdict on a suggested code for an answer, so rejections are not shown again."""

    __table_args__ = (UniqueConstraint("answer_id", "code_id", "coder_id", name="uq_feedback"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    answer_id: int = Field(foreign_key="answer.id")
    code_id: int = Field(foreign_key="code.id")
    coder_id: int = Field(foreign_key="coder.id")
    verdict: str  # accepted | rejected | skipped
    score: Optional[float] = None
    at: datetime = Field(default_factory=utcnow)


class NlpCache(SQLModel, table=True):
    """Processed text per (pipeline, text hash): only new or changed answers are parsed again."""

    __table_args__ = (UniqueConstraint("pipeline", "text_hash", name="uq_nlp_cache"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    pipeline: str
    text_hash: str
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class QuoteStar(SQLModel, table=True):
    """An analyst's pick of a coded passage as a quote for the report."""

    __table_args__ = (UniqueConstraint("coding_id", name="uq_quote_star"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    coding_id: int = Field(foreign_key="coding.id")
    starred_by: Optional[int] = Field(default=None, foreign_key="coder.id")
    at: datetime = Field(default_factory=utcnow)


class PiiFinding(SQLModel, table=True):
    """Personal data found in an answer; ``status``: open | pseudonymised | allowed."""

    __table_args__ = (Index("ix_pii_answer", "answer_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    answer_id: int = Field(foreign_key="answer.id")
    start: int
    end: int
    type: str
    status: str = "open"
    at: datetime = Field(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    """Append-only log of every change: who did what to which entity, and when.

    ``payload`` holds what is needed to understand (and undo) the change. Other clients
    of a team project poll ``id > last_seen`` to refresh their views.
    """

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = ""
    action: str = Field(index=True)
    entity: str = ""
    entity_id: Optional[str] = None
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
