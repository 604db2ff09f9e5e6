"""Agreement report: the contract's numbers against independent references (krippendorff,
scikit-learn), its JSON keys through the CLI, degenerate cases, and the query budget."""
from __future__ import annotations

import json
import math
import random
import warnings
from pathlib import Path

import krippendorff
import pytest
from sklearn.metrics import cohen_kappa_score
from sqlalchemy import event, insert, select

from tests.conftest import new_project, survey_rows, write_survey
from workbench.coding import codings
from workbench.coding.agreement import agreement_report
from workbench.coding.agreement_stats import unitizing_alpha
from workbench.coding.codebook import parse_codebook
from workbench.coding.models import Answer, AnswerState, Coding, new_uid, utcnow
from workbench.importer.survey import import_survey

CODES = [f"k{i}" for i in range(6)]


def small_codebook(keys=CODES):
    return parse_codebook({"codebook": {"key": "test", "name": "Test"},
                           "codes": [{"id": k, "label": k.upper()} for k in keys]})


def make_project(target: str, tmp: Path, n_resp: int = 12, seed: int = 1):
    """A project with a small codebook and an imported survey; returns (store, answer ids, code ids)."""
    store = new_project(target, small_codebook())
    import_survey(store, write_survey(tmp / f"survey{seed}.csv", survey_rows(n_resp, seed=seed)))
    with store.session() as s:
        aids = list(s.exec(select(Answer.id).where(Answer.text != "").order_by(Answer.id)).scalars())
        code_ids = {c.key: c.id for c in store.codes(s)}
    return store, aids, code_ids


def bulk_code(store, coder: str, per_answer: dict[int, list], coded=None):
    """Insert one coder's codings fast: {answer: [code id or (code id, start, end)]}; all coded
    unless ``coded`` says otherwise for an answer."""
    with store.transaction() as s:
        c = store.coder(s, coder)
        rows, states = [], []
        for aid, items in per_answer.items():
            for it in items:
                cid, st, en = it if isinstance(it, tuple) else (it, None, None)
                rows.append(dict(uid=new_uid(), answer_id=aid, coder_id=c.id, code_id=cid, start=st, end=en,
                                 source="import", created_at=utcnow()))
            states.append(dict(answer_id=aid, coder_id=c.id, coded=True if coded is None else coded.get(aid, True),
                               flagged=False, updated_at=utcnow(), version=1))
        if rows:
            s.exec(insert(Coding), params=rows)
        if states:
            s.exec(insert(AnswerState), params=states)


def random_codings(rng, aids, code_ids, coders, p_missing=0.2, noise=0.25):
    """Per coder {answer: [code ids]}: a shared base with noise; some answers missing per coder,
    some coded with no code."""
    out = {c: {} for c in coders}
    keys = list(code_ids)
    for a in aids:
        base = set(rng.sample(keys[:4], rng.randint(0, 2)))  # k4, k5 rarely or never used
        for c in coders:
            if rng.random() < p_missing:
                continue
            mine = {k for k in keys[:5] if (k in base) != (rng.random() < noise / 4)}
            out[c][a] = [code_ids[k] for k in sorted(mine)]
    return out


def ref_alpha(matrix):
    """krippendorff package, or None where it says undefined (one value in the domain)."""
    try:
        v = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    except ValueError:
        return None
    return None if math.isnan(v) else float(v)


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < 1e-9


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("n_coders", [2, 3])
def test_numbers_match_reference_packages(tmp_path, seed, n_coders):
    store, aids, code_ids = make_project(str(tmp_path / "p.db"), tmp_path, n_resp=10, seed=seed)
    rng = random.Random(seed)
    coders = ["A", "B", "C"][:n_coders]
    data = random_codings(rng, aids, code_ids, coders)
    # one answer has codings but the coder took "coded" back: not a unit
    taken_back = next(iter(data["A"]))
    for c in coders:
        bulk_code(store, c, data[c], coded={taken_back: False} if c == "A" else None)
    rep = agreement_report(store, coders=coders)

    units = sorted(a for a in aids if all(a in data[c] for c in coders) and a != taken_back)
    assert rep["units"] == len(units) > 5
    assert rep["coders"] == coders
    key_of = {v: k for k, v in code_ids.items()}
    sets = {c: {a: {key_of[x] for x in data[c][a]} for a in units} for c in coders}
    pooled = [[] for _ in coders]
    used = [k for k in CODES if any(k in sets[c][u] for c in coders for u in units)]
    assert "k5" not in used and len(used) >= 3
    for k in CODES:
        matrix = [[1 if k in sets[c][u] else 0 for u in units] for c in coders]
        if k in used:  # the overall figures pool only the codes some listed coder applied
            for i, row in enumerate(matrix):
                pooled[i] += row
        got = rep["codes"][k]
        assert got["n_units"] == len(units)
        assert close(got["alpha"], ref_alpha(matrix)), (k, got["alpha"], ref_alpha(matrix))
        agree = sum(len({row[j] for row in matrix}) == 1 for j in range(len(units))) / len(units)
        assert abs(got["percent_agreement"] - agree) < 1e-12
        if n_coders == 2:
            with warnings.catch_warnings():  # sklearn warns (and says nan) when kappa is undefined
                warnings.simplefilter("ignore")
                ref_k = cohen_kappa_score(matrix[0], matrix[1])
            assert close(got["kappa"], None if math.isnan(ref_k) else float(ref_k))
            assert "fleiss_kappa" not in got
        else:
            assert "kappa" not in got
            assert close(got["fleiss_kappa"], fleiss_ref(matrix))
    assert close(rep["overall"]["alpha"], ref_alpha(pooled))
    n_pairs = len(pooled[0])
    assert rep["overall"]["n_pairs"] == n_pairs == len(units) * len(used)
    assert rep["overall"]["n_codes"] == len(used)
    assert abs(rep["overall"]["percent_agreement"]
               - sum(len({row[j] for row in pooled}) == 1 for j in range(n_pairs)) / n_pairs) < 1e-12
    # never-used code: alpha undefined (null), agreement trivially 1
    assert rep["codes"]["k5"]["alpha"] is None and rep["codes"]["k5"]["percent_agreement"] == 1.0
    # breakdowns partition the units
    assert sum(v["n_units"] for v in rep["by_question"].values()) == len(units)
    assert sum(v["n_units"] for v in rep["by_band"].values()) == len(units)
    q = sorted(rep["by_question"])[0]
    sub = agreement_report(store, coders=coders, question=q)
    assert sub["units"] == rep["by_question"][q]["n_units"]
    assert close(sub["overall"]["alpha"], rep["by_question"][q]["alpha"])
    assert list(sub["by_question"]) == [q]


def fleiss_ref(matrix):
    """Fleiss (1971) written out directly for binary values (coders x units)."""
    m, n = len(matrix), len(matrix[0])
    ones = [sum(matrix[c][j] for c in range(m)) for j in range(n)]
    p_i = [((o * o + (m - o) ** 2) - m) / (m * (m - 1)) for o in ones]
    p1 = sum(ones) / (n * m)
    pe = p1 * p1 + (1 - p1) ** 2
    return None if pe == 1 else (sum(p_i) / n - pe) / (1 - pe)


@pytest.fixture(params=["sqlite", "postgres"])
def both_store(request, tmp_path):
    """A project with the small test codebook on SQLite and on the real PostgreSQL."""
    target = str(tmp_path / "p.db") if request.param == "sqlite" else request.getfixturevalue("pg_url")
    store = new_project(target, small_codebook())
    yield store
    store.close()


def test_both_backends_and_default_coders(both_store, tmp_path):
    store = both_store
    import_survey(store, write_survey(tmp_path / "s.csv", survey_rows(6, seed=5)))
    with store.session() as s:
        aids = list(s.exec(select(Answer.id).where(Answer.text != "").order_by(Answer.id)).scalars())[:8]
        ids = {c.key: c.id for c in store.codes(s)}
    a, b = aids[0], aids[1]
    codings.apply_code(store, "A", a, ids["k0"])
    codings.apply_code(store, "B", a, ids["k0"])
    codings.set_coded(store, "A", b)             # coded, no code applies
    codings.apply_code(store, "B", b, ids["k1"])
    codings.apply_code(store, "final", a, ids["k2"])  # reconciled codings never count as a coder
    codings.apply_code(store, "C", aids[2], ids["k0"])
    codings.set_coded(store, "C", aids[2], coded=False)  # C has no coded answer: not a default coder
    with store.transaction() as s:
        store.coder(s, "gold").role = "gold"
    codings.apply_code(store, "gold", a, ids["k3"])
    rep = agreement_report(store)
    assert rep["coders"] == ["A", "B"]
    assert rep["units"] == 2
    assert rep["codes"]["k0"]["percent_agreement"] == 1.0
    assert rep["codes"]["k1"]["percent_agreement"] == 0.5
    assert rep["codes"]["k0"]["alpha"] == 1.0  # (1,1) and (0,0): perfect, and both values occur
    assert rep["codes"]["k1"]["kappa"] == 0.0  # (0,1) and (0,0)
    assert rep["codes"]["k2"]["alpha"] is None  # only the final coder used it
    assert set(rep["codes"]) == set(CODES)


def test_k0_alpha_is_perfect_when_values_vary(sqlite_store, tmp_path):
    store, aids, ids = make_project(str(tmp_path / "q.db"), tmp_path, n_resp=3)
    bulk_code(store, "A", {aids[0]: [ids["k0"]], aids[1]: []})
    bulk_code(store, "B", {aids[0]: [ids["k0"]], aids[1]: []})
    rep = agreement_report(store)
    assert rep["codes"]["k0"]["alpha"] == 1.0 and rep["codes"]["k0"]["kappa"] == 1.0
    assert rep["overall"]["alpha"] == 1.0 and rep["overall"]["set_agreement"] == 1.0


def test_degenerate_cases(tmp_path):
    store, aids, ids = make_project(str(tmp_path / "p.db"), tmp_path, n_resp=3)
    # no common unit
    bulk_code(store, "A", {aids[0]: [ids["k0"]]})
    bulk_code(store, "B", {aids[1]: [ids["k0"]]})
    rep = agreement_report(store, coders=["A", "B"])
    assert rep["units"] == 0
    assert rep["overall"]["alpha"] is None and rep["overall"]["percent_agreement"] is None
    assert rep["codes"]["k0"] == {"alpha": None, "kappa": None, "percent_agreement": None, "n_units": 0}
    # a single unit, disagreeing on k1
    bulk_code(store, "A", {aids[2]: [ids["k1"]]})
    bulk_code(store, "B", {aids[2]: []})
    rep = agreement_report(store, coders=["A", "B"])
    assert rep["units"] == 1
    assert rep["codes"]["k1"]["percent_agreement"] == 0.0
    assert rep["codes"]["k1"]["alpha"] == ref_alpha([[1], [0]])  # None: one pairable unit, two values
    assert rep["codes"]["k0"]["alpha"] is None  # never used on the unit
    # an unknown coder is an input error naming the option
    from workbench.errors import InputError
    with pytest.raises(InputError, match="--coders"):
        agreement_report(store, coders=["A", "Nobody"])
    with pytest.raises(InputError, match="--question"):
        agreement_report(store, coders=["A", "B"], question="q99")


def test_unitizing_section(tmp_path):
    store, aids, ids = make_project(str(tmp_path / "p.db"), tmp_path, n_resp=4)
    with store.session() as s:
        texts = {a: t for a, t in s.exec(select(Answer.id, Answer.text).where(Answer.id.in_(aids[:3]))).all()}
    a0, a1, a2 = aids[:3]
    L0, L1 = len(texts[a0]), len(texts[a1])
    bulk_code(store, "A", {a0: [(ids["k0"], 0, 5), (ids["k1"], 6, L0)], a1: [(ids["k0"], 2, 9)], a2: [ids["k0"]]})
    bulk_code(store, "B", {a0: [(ids["k0"], 0, 7)], a1: [(ids["k0"], 2, 9), ids["k1"]], a2: [ids["k0"]]})
    rep = agreement_report(store)
    uz = rep["unitizing"]
    assert uz["k0"]["n_units"] == 2  # a2 has whole-answer codings only: not a span unit
    want0 = unitizing_alpha([[[(0, 5)], [(2, 9)]], [[(0, 7)], [(2, 9)]]], [L0, L1])
    want1 = unitizing_alpha([[[(6, L0)], []], [[], [(0, L1)]]], [L0, L1])
    assert uz["k0"]["u_alpha"] == pytest.approx(want0, abs=1e-12)
    assert uz["k1"]["u_alpha"] == pytest.approx(want1, abs=1e-12)
    assert 0 < want0 < 1


def test_no_unitizing_section_without_spans(tmp_path):
    store, aids, ids = make_project(str(tmp_path / "p.db"), tmp_path, n_resp=2)
    bulk_code(store, "A", {aids[0]: [ids["k0"]]})
    bulk_code(store, "B", {aids[0]: [ids["k0"]]})
    assert "unitizing" not in agreement_report(store)


def test_query_count_does_not_grow_with_units(tmp_path):
    counts = []
    for n in (4, 30):
        store, aids, ids = make_project(str(tmp_path / f"p{n}.db"), tmp_path, n_resp=n, seed=n)
        rng = random.Random(n)
        data = random_codings(rng, aids, ids, ["A", "B"], p_missing=0)
        for c in "AB":
            bulk_code(store, c, data[c])
        seen = []
        event.listen(store.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
        rep = agreement_report(store)
        assert rep["units"] == len(aids)
        counts.append(len(seen))
        store.close()
    assert counts[0] == counts[1] <= 8, counts


def test_cli_writes_contract_json(tmp_path):
    from workbench.cli import main

    store, aids, ids = make_project(str(tmp_path / "p.db"), tmp_path, n_resp=8)
    rng = random.Random(7)
    data = random_codings(rng, aids, ids, ["A", "B"], p_missing=0.1)
    for c in "AB":
        bulk_code(store, c, data[c])
    store.close()
    out = tmp_path / "ab.json"
    assert main(["agreement", str(tmp_path / "p.db"), "--coders", "A,B", "--json", str(out)]) == 0
    got = json.loads(out.read_text(encoding="utf-8"))
    assert {"coders", "units", "overall", "codes"} <= set(got)
    assert got["coders"] == ["A", "B"]
    assert {"alpha", "percent_agreement"} <= set(got["overall"])
    for entry in got["codes"].values():
        assert {"alpha", "kappa", "percent_agreement", "n_units"} <= set(entry)
        assert entry["percent_agreement"] is None or 0 <= entry["percent_agreement"] <= 1
    assert main(["agreement", str(tmp_path / "p.db"), "--coders", "A,Nobody", "--json", str(out)]) == 2
    assert main(["agreement", str(tmp_path / "p.db"), "--question", "q2", "--json", str(out)]) == 0
    assert list(json.loads(out.read_text())["by_question"]) == ["q2"]


def test_default_coders_ignore_a_supervisor_who_coded_a_few(sqlite_store, tmp_path):
    """Three people coded: the two with the most answers in common are compared (not nobody,
    as "everyone who coded" would give); a round's coders win over that."""
    from workbench.coding.agreement import default_coders
    from workbench.coding.models import Assignment, Round

    store = sqlite_store
    import_survey(store, write_survey(tmp_path / "s.csv", survey_rows(8, seed=3)))
    with store.session() as s:
        aids = list(s.exec(select(Answer.id).where(Answer.text != "").order_by(Answer.id)).scalars())[:10]
        k0 = store.codes(s)[0].id
    for aid in aids[:8]:
        codings.apply_code(store, "anne", aid, k0)
        codings.apply_code(store, "bo", aid, k0)
    codings.apply_code(store, "sofie", aids[0], k0)  # a supervisor's look at one answer
    with store.transaction() as s:
        store.coder(s, "sofie").role = "supervisor"
    rep = agreement_report(store)
    assert rep["coders"] == ["anne", "bo"] and rep["units"] == 8
    assert default_coders(store) == ["anne", "bo"]
    # a round that paired sofie with anne on two answers: its coders are the default
    for aid in aids[1:3]:
        codings.apply_code(store, "sofie", aid, k0)
    with store.transaction() as s:
        r = Round(name="kontrol")
        s.add(r)
        s.flush()
        ids = {n: store.coder(s, n).id for n in ("anne", "sofie")}
        s.add_all([Assignment(round_id=r.id, answer_id=a, coder_id=c) for a in aids[:3] for c in ids.values()])
    assert default_coders(store) == ["anne", "sofie"]
    assert agreement_report(store)["units"] == 3


def test_unused_codes_do_not_raise_overall_alpha(tmp_path):
    """Adding codes nobody applied to the codebook leaves overall alpha as it was (they
    would add only 0–0 pairs, which pushed alpha up before)."""
    from workbench.coding.codes import create_code

    store, aids, code_ids = make_project(str(tmp_path / "p.db"), tmp_path, n_resp=10, seed=7)
    rng = random.Random(7)
    data = random_codings(rng, aids, code_ids, ["A", "B"])
    for c in ("A", "B"):
        bulk_code(store, c, data[c])
    before = agreement_report(store, coders=["A", "B"])["overall"]
    for i in range(20):
        create_code(store, f"Ubrugt kode {i}", key=f"ubrugt{i}")
    after = agreement_report(store, coders=["A", "B"])
    assert len(after["codes"]) == len(CODES) + 20 and after["codes"]["ubrugt3"]["alpha"] is None
    assert after["overall"]["alpha"] == before["alpha"] and after["overall"]["n_pairs"] == before["n_pairs"]
    assert before["alpha"] is not None and 0 < before["alpha"] < 1
