"""Surveys in a project: one per year, each with the questions and target groups of its spec."""
from __future__ import annotations

from typing import Optional

from sqlmodel import Session, select

from workbench.coding import survey_spec as spec
from workbench.coding.models import Question, Subgroup, Survey

SURVEY_NAME = "Borgeroplevelser i Jobcenter København"


def ensure_survey(store, s: Session, year: int, name: str = SURVEY_NAME) -> Survey:
    """The survey of ``year``, created with the jobcentre questions and groups if new."""
    sv = s.exec(select(Survey).where(Survey.year == year, Survey.name == name)).first()
    if sv is not None:
        return sv
    sv = Survey(name=name, year=year)
    s.add(sv)
    s.flush()
    for pos, q in enumerate(spec.QUESTIONS, start=1):
        s.add(Question(survey_id=sv.id, key=q["key"], position=pos, topic=q["topic"], text=q["text"],
                       scale_labels=list(q["scale"]) + [spec.DONT_KNOW_LABEL],
                       prompt_negative=q["neg"], prompt_positive=q["pos"]))
    for key, label, main, unit, _n in spec.SUBGROUPS:
        s.add(Subgroup(survey_id=sv.id, key=key, label=label, main_group=main, unit=unit))
    s.flush()
    store.log(s, "survey.create", "survey", sv.id, name=name, year=year)
    return sv


def surveys(s: Session) -> list[Survey]:
    return list(s.exec(select(Survey).order_by(Survey.year)))


def questions(s: Session, survey_id: Optional[int] = None) -> list[Question]:
    q = select(Question).order_by(Question.survey_id, Question.position)
    if survey_id is not None:
        q = q.where(Question.survey_id == survey_id)
    return list(s.exec(q))


def subgroups(s: Session, survey_id: Optional[int] = None) -> list[Subgroup]:
    q = select(Subgroup).order_by(Subgroup.survey_id, Subgroup.id)
    if survey_id is not None:
        q = q.where(Subgroup.survey_id == survey_id)
    return list(s.exec(q))
