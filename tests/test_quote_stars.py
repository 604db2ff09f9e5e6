"""Quote stars: an analyst's pick of a coded passage for the report. Picking and un-picking,
and a star never blocks (nor is silently lost by) removing, re-importing or re-deciding."""
from __future__ import annotations

import csv

from sqlmodel import select

from workbench.coding import codings, reconcile
from workbench.coding.models import Answer, AuditEvent, Code, Coding, QuoteStar
from workbench.coding.store import FINAL_CODER
from workbench.coding.team import ensure_person
from workbench.export import data as D
from workbench.importer.codings import import_codings
from workbench.importer.survey import import_survey


def _setup(store, survey_file):
    import_survey(store, survey_file)
    with store.session() as s:
        aids = list(s.exec(select(Answer.id).where(Answer.text != "").order_by(Answer.id)).all())[:3]
        code_ids = list(s.exec(select(Code.id).order_by(Code.id)).all())[:2]
    return aids, code_ids


def stars(store) -> set[int]:
    with store.session() as s:
        return set(s.exec(select(QuoteStar.coding_id)).all())


def test_star_and_unstar_are_audited_and_reach_the_export(any_store, survey_file):
    aids, (c1, _c2) = _setup(any_store, survey_file)
    cid = codings.apply_code(any_store, "anne", aids[0], c1)
    assert codings.star_quote(any_store, "anne", cid) is False
    assert codings.star_quote(any_store, "anne", cid) is True  # already starred: no second star
    assert stars(any_store) == {cid}
    data = D.load(any_store, "anne")
    assert data.codings.set_index("coding_id").loc[cid, "starred"]
    codings.star_quote(any_store, "anne", cid, starred=False)
    assert stars(any_store) == set()
    with any_store.session() as s:
        acts = list(s.exec(select(AuditEvent.action).where(AuditEvent.action.like("quote.%"))
                           .order_by(AuditEvent.id)).all())
    assert acts == ["quote.star", "quote.unstar"]


def test_a_starred_coding_can_be_removed(any_store, survey_file):
    aids, (c1, c2) = _setup(any_store, survey_file)
    a = codings.apply_code(any_store, "anne", aids[0], c1)
    b = codings.apply_code(any_store, "anne", aids[1], c2)
    codings.star_quote(any_store, "anne", a)
    codings.star_quote(any_store, "anne", b)
    codings.remove_coding(any_store, a)
    assert codings.remove_code(any_store, "anne", aids[1], c2) == 1
    assert stars(any_store) == set()
    with any_store.session() as s:
        assert s.exec(select(Coding).where(Coding.id.in_([a, b]))).all() == []


def test_reimport_and_redecision_keep_stars_on_codings_they_keep(any_store, survey_file, tmp_path):
    aids, (c1, c2) = _setup(any_store, survey_file)
    with any_store.session() as s:
        keys = {c.id: c.key for c in s.exec(select(Code)).all()}
    rows = D.load(any_store, with_codings=False).answers.set_index("answer_id")

    def write(items):
        p = tmp_path / "c.csv"
        with open(p, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["respondent_id", "question", "code"])
            for aid, code in items:
                w.writerow([rows.loc[aid, "respondent_id"], rows.loc[aid, "question"], keys[code]])
        return p

    import_codings(any_store, "anne", write([(aids[0], c1), (aids[1], c2)]))
    with any_store.session() as s:
        first = {cd.answer_id: cd.id for cd in s.exec(select(Coding))}
    codings.star_quote(any_store, "anne", first[aids[0]])
    codings.star_quote(any_store, "anne", first[aids[1]])
    # re-import: answer 0 keeps its code (its star follows the new coding), answer 1 changes code
    import_codings(any_store, "anne", write([(aids[0], c1), (aids[1], c1)]))
    with any_store.session() as s:
        now = {(cd.answer_id, cd.code_id): cd.id for cd in s.exec(select(Coding))}
    assert stars(any_store) == {now[(aids[0], c1)]}

    # the supervisor decides answer 0 from anne's codes, stars the final coding, re-decides
    ensure_person(any_store, "sofie", "supervisor")
    reconcile.decide(any_store, "sofie", aids[0], basis="coder:anne")
    fin = D.load(any_store, FINAL_CODER).codings
    fid = int(fin.loc[fin["answer_id"] == aids[0], "coding_id"].iloc[0])
    codings.star_quote(any_store, "sofie", fid)
    reconcile.decide(any_store, "sofie", aids[0], codes=[keys[c1]], basis="manual")
    fin = D.load(any_store, FINAL_CODER).codings
    new_fid = int(fin.loc[fin["answer_id"] == aids[0], "coding_id"].iloc[0])
    assert stars(any_store) == {new_fid, now[(aids[0], c1)]}  # re-written final coding, star back
    reconcile.clear_decision(any_store, "sofie", aids[0])
    assert new_fid not in stars(any_store)
