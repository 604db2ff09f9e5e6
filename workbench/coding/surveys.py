"""Surveys in a project: one row per wave (year), each with the definition it was read with.

Questions are matched by key across waves; ``project_definition`` is the one view of the
survey the grid, the filters and the exports use (the newest wave's wording winning).
"""
from __future__ import annotations

from typing import Optional

from sqlmodel import Session, select

from workbench.coding.definition import SurveyDefinition, builtin, merge_waves
from workbench.coding.models import Question, Survey


def ensure_survey(store, s: Session, year: int, defn: Optional[SurveyDefinition] = None) -> Survey:
    """The wave of ``year`` of the definition's survey (the jobcentre survey by default), created
    with its questions if new. An existing wave takes the definition given (a question added or
    reworded next time); its existing questions keep their ids, and so their answers."""
    defn = defn or builtin()
    sv = s.exec(select(Survey).where(Survey.year == year, Survey.name == defn.name)).first()
    stored = defn.to_dict()
    stored["year"] = year
    if sv is None:
        sv = Survey(name=defn.name, year=year, definition=stored)
        s.add(sv)
        s.flush()
        store.log(s, "survey.create", "survey", sv.id, name=defn.name, year=year, questions=defn.question_keys)
    elif sv.definition != stored:
        before = SurveyDefinition.from_dict(sv.definition, file="project") if sv.definition else None
        # questions the stored wave had and the new definition lacks are kept (their answers stay)
        if before is not None:
            keep = [q for q in before.questions if defn.question(q.key) is None]
            if keep:
                stored["questions"] = stored["questions"] + [q.to_dict() for q in keep]
            old_vars = [v for v in before.variables if defn.variable(v.key) is None]
            if old_vars:
                stored["variables"] = stored["variables"] + [v.to_dict() for v in old_vars]
        sv.definition = stored
        s.add(sv)
        store.log(s, "survey.update", "survey", sv.id, name=defn.name, year=year, questions=defn.question_keys)
    have = {q.key: q for q in s.exec(select(Question).where(Question.survey_id == sv.id))}
    for pos, q in enumerate(defn.questions, start=1):
        row = have.get(q.key) or Question(survey_id=sv.id, key=q.key)
        row.position, row.topic, row.text = pos, q.title, q.question
        row.scale_labels = q.scale_label_list()
        s.add(row)
    s.flush()
    return sv


def surveys(s: Session) -> list[Survey]:
    return list(s.exec(select(Survey).order_by(Survey.year, Survey.id)))


def wave_definitions(s: Session) -> dict[int, SurveyDefinition]:
    """Each wave's definition by survey id, oldest first."""
    return {sv.id: definition_of(sv) for sv in surveys(s)}


def definition_of(sv: Survey) -> SurveyDefinition:
    """A wave's stored definition (the built-in one for a wave stored before definitions)."""
    if sv.definition:
        return SurveyDefinition.from_dict(sv.definition, file=f"the project's survey {sv.name} {sv.year}")
    d = builtin()
    d.year = sv.year
    return d


def project_definition(s: Session) -> Optional[SurveyDefinition]:
    """The project's survey as one definition over all its waves (None for an empty project)."""
    return merge_waves(wave_definitions(s).values())


def questions(s: Session, survey_id: Optional[int] = None) -> list[Question]:
    q = select(Question).order_by(Question.survey_id, Question.position)
    if survey_id is not None:
        q = q.where(Question.survey_id == survey_id)
    return list(s.exec(q))


def years(s: Session) -> list[int]:
    return sorted(set(s.exec(select(Survey.year)).all()))
