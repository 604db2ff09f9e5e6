"""Project health: database integrity plus the domain's own invariants (for `doctor`,
the crash harness and the GUI's start-up check)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from workbench.coding.models import Answer, AnswerState, Code, Coder, Coding, Question, Respondent
from workbench.coding.surveys import wave_definitions


@dataclass
class HealthReport:
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems


def check_project(store) -> HealthReport:
    rep = HealthReport()
    rep.problems += store.integrity_problems()
    with store.session() as s:
        for name, model in (("respondents", Respondent), ("answers", Answer), ("codes", Code),
                            ("coders", Coder), ("codings", Coding)):
            rep.counts[name] = s.execute(select(func.count()).select_from(model)).scalar_one()
        waves = wave_definitions(s)
        rule = {qid: waves[sid].question(key) for qid, sid, key in s.execute(
            select(Question.id, Question.survey_id, Question.key))}
        for aid, qid, score, band in s.execute(select(Answer.id, Answer.question_id, Answer.score, Answer.band)):
            q = rule.get(qid)
            try:
                if q is None:
                    raise ValueError
                want = q.band_of(score)
            except ValueError:
                rep.problems.append(f"answer {aid}: invalid score {score}")
                continue
            if want != band:
                rep.problems.append(f"answer {aid}: band {band} does not match score {score}")
        bad_spans = s.execute(
            select(Coding.id).join(Answer, Answer.id == Coding.answer_id).where(
                Coding.start.is_not(None), (Coding.start < 0) | (Coding.end > func.length(Answer.text)) | (Coding.start >= Coding.end))
        ).scalars().all()
        rep.problems += [f"coding {i}: span outside its answer" for i in bad_spans[:50]]
        orphan = s.execute(
            select(func.count()).select_from(Coding).outerjoin(
                AnswerState, (AnswerState.answer_id == Coding.answer_id) & (AnswerState.coder_id == Coding.coder_id)
            ).where(AnswerState.id.is_(None))).scalar_one()
        if orphan:
            rep.problems.append(f"{orphan} codings on answers their coder has no state for")
    return rep
