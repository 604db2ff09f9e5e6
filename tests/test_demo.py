"""The demo survey: published shape, exact mixes, honest gold, realistic noise, the project."""
from __future__ import annotations

import math
import re
import statistics
from collections import Counter, defaultdict

import pytest
from hypothesis import given, settings, strategies as st
from sqlmodel import select

from workbench.demo import jobcenter_spec as spec
from workbench.demo.generate import band_of
from workbench.coding.codebook import DEFAULT_CODEBOOK, load_codebook
from workbench.coding.models import Answer, AnswerState, Code, Coder, Coding, Question, Respondent
from workbench.coding.store import Store
from workbench.demo import phrases as P
from workbench.demo.generate import create_demo, generate_survey, score_counts


@pytest.fixture(scope="module")
def demo():
    return generate_survey(seed=2020)


def _resp(demo):
    return {r.key: r for r in demo.respondents}


def test_subgroup_sizes_units_and_year(demo):
    sizes = Counter(r.subgroup for r in demo.respondents)
    assert sizes == {key: n for key, _l, _m, _u, n in spec.SUBGROUPS}
    unit = {key: u for key, _l, _m, u, _n in spec.SUBGROUPS}
    assert all(r.unit == unit[r.subgroup] and r.year == 2020 for r in demo.respondents)
    assert len({r.key for r in demo.respondents}) == 405


def test_scale_multiplies_every_subgroup():
    big = generate_survey(seed=3, scale=3)
    sizes = Counter(r.subgroup for r in big.respondents)
    assert sizes == {key: 3 * n for key, _l, _m, _u, n in spec.SUBGROUPS}
    for main, mix in spec.PUBLISHED_MIX.items():
        members = [r for r in big.respondents if spec.SUBGROUP_MAIN[r.subgroup] == main]
        assert sum(r.gender == "kvinde" for r in members) == 3 * mix["kvinde"]
        assert sum(r.ethnicity == "anden" for r in members) == 3 * mix["anden"]


def _row_feasible(pcts, n):
    """Can whole counts summing to n all lie within one respondent of pct*n/100?"""
    t = [p * n / 100 for p in pcts]
    lo = sum(max(0, math.ceil(x - 1)) for x in t)
    hi = sum(math.floor(x + 1) for x in t)
    return lo <= n <= hi, lo, hi


def test_scores_match_published_percentages_in_every_cell(demo):
    """The acceptance criterion: all 2 × 7 × 6 cells within one respondent of pct*n/100.

    One published row cannot be met exactly (udsatte q5 adds to 102 %: at n=186 the six
    cells' lower bounds already sum to 187), so there the test demands the least possible
    miss: only as many cells beyond one respondent as the row's excess forces, each by
    less than two."""
    checked = 0
    for main, table in spec.PUBLISHED.items():
        members = [r for r in demo.respondents if spec.SUBGROUP_MAIN[r.subgroup] == main]
        n = len(members)
        assert n == spec.PUBLISHED_MIX[main]["n"]
        for q, pcts in table.items():
            counts = Counter(r.answers[q][0] for r in members)
            assert None not in counts and sum(counts.values()) == n  # every respondent answers
            dev = [counts.get(s, 0) - p * n / 100 for s, p in zip((1, 2, 3, 4, 5, 9), pcts)]
            feasible, lo, hi = _row_feasible(pcts, n)
            if feasible:
                assert all(abs(d) <= 1 for d in dev), (main, q, dev)
            else:
                forced = lo - n if lo > n else n - hi
                assert sum(abs(d) > 1 for d in dev) <= forced, (main, q, dev)
                assert all(abs(d) < 2 for d in dev), (main, q, dev)
            checked += len(dev)
    assert checked == 2 * 7 * 6


def _published_like(raw: list[int], slack: int, where: int) -> list[int]:
    """Whole percentages like a published row: rounded shares adding to 100 ± slack."""
    total = sum(raw)
    pcts = [round(100 * x / total) for x in raw]
    pcts[where] = max(0, pcts[where] + slack)
    return pcts


@settings(max_examples=200, deadline=None)
@given(st.builds(_published_like, st.lists(st.integers(0, 100), min_size=6, max_size=6).filter(any),
                 st.integers(-2, 2), st.integers(0, 5)), st.integers(5, 3000))
def test_score_counts_sum_to_n_and_stay_within_one_when_possible(pcts, n):
    c = score_counts(pcts, n)
    assert sum(c) == n and min(c) >= 0
    feasible, _lo, _hi = _row_feasible(pcts, n)
    if feasible:
        assert all(abs(x - p * n / 100) <= 1 for x, p in zip(c, pcts))
    norm = score_counts(pcts, n, normalise=True)
    assert sum(norm) == n
    assert all(abs(x - p * n / sum(pcts)) < 1 for x, p in zip(norm, pcts))


def test_scores_hang_together_within_a_person(demo):
    """Satisfied people tend to be satisfied across questions (q1 and q7 correlate)."""
    pairs = [(r.answers["q1"][0], r.answers["q7"][0]) for r in demo.respondents
             if r.answers["q1"][0] != 9 and r.answers["q7"][0] != 9]
    assert statistics.correlation([a for a, _ in pairs], [b for _, b in pairs]) > 0.1


def test_background_mix_is_exact_and_plausible(demo):
    for main, mix in spec.PUBLISHED_MIX.items():
        members = [r for r in demo.respondents if spec.SUBGROUP_MAIN[r.subgroup] == main]
        assert sum(r.gender == "kvinde" for r in members) == mix["kvinde"]
        assert sum(r.gender == "mand" for r in members) == mix["mand"]
        assert sum(r.ethnicity == "anden" for r in members) == mix["anden"]
        assert all(r.ethnicity in ("dansk", "anden") for r in members)
    for r in demo.respondents:
        if r.subgroup.endswith("_u30"):
            assert 18 <= r.age <= 29
        elif r.subgroup.endswith("_o30"):
            assert 30 <= r.age <= 66
        else:
            assert 25 <= r.age <= 64
        assert r.unemployment_months >= 0
        if r.subgroup.startswith("dagpenge"):
            assert r.unemployment_months <= 24
    def mean(sub):
        return statistics.mean(r.unemployment_months for r in demo.respondents if r.subgroup == sub)

    assert mean("sygedagpenge") < mean("ledighedsydelse") < mean("ressource_o30")
    integ = [r for r in demo.respondents if r.subgroup == "integration"]
    assert sum(r.ethnicity == "anden" for r in integ) >= 0.8 * len(integ)


def test_same_seed_same_survey_other_seed_other_survey(demo):
    again = generate_survey(seed=2020)
    assert [(r.key, r.subgroup, r.gender, r.age, r.unemployment_months, r.ethnicity, r.answers)
            for r in again.respondents] == [
        (r.key, r.subgroup, r.gender, r.age, r.unemployment_months, r.ethnicity, r.answers) for r in demo.respondents]
    assert again.gold == demo.gold and again.spans == demo.spans
    other = generate_survey(seed=7)
    assert [r.answers for r in other.respondents] != [r.answers for r in demo.respondents]


def test_every_themed_answer_carries_valid_gold(demo):
    ids = set(load_codebook(DEFAULT_CODEBOOK).ids)
    assert set(P.THEMES) == ids == set(P.PHRASES)
    resp = _resp(demo)
    no_theme = {t.lower().replace("{s}", "") for t in P.NO_THEME}
    used = Counter()
    for r in demo.respondents:
        for q, (score, text) in r.answers.items():
            key = (r.key, q)
            if not text:
                assert key not in demo.gold
                continue
            gold = demo.gold[key]
            assert len(gold) == len(set(gold)) and set(gold) <= ids
            used.update(gold)
            band = band_of(score)
            if band != "ved_ikke":
                assert 1 <= len(gold) <= 3, (text, gold)
                # themes are typical of the band, except an opposite one mixed in on purpose
                typical = [t for t in gold if band in P.THEMES[t][0]]
                assert len(typical) >= len(gold) - 1, (band, gold)
            elif not gold:
                assert len(text.split()) <= 8, text
    assert len(used) >= 30  # nearly every theme occurs
    assert all(resp[k[0]].answers[k[1]][1] for k in demo.gold)


def test_theme_counts_follow_bands(demo):
    """A negative theme shows up mostly in negative answers, a positive one in positive answers."""
    by_band = defaultdict(Counter)
    resp = _resp(demo)
    for (rk, q), gold in demo.gold.items():
        by_band[band_of(resp[rk].answers[q][0])].update(gold)
    assert by_band["positiv"]["lyttende_forstaaende"] > 5 * by_band["negativ"]["lyttende_forstaaende"]
    assert by_band["negativ"]["ikke_lyttet_til"] > 2 * by_band["positiv"]["ikke_lyttet_til"]


def _vocabulary() -> set[str]:
    """Every word the generator can write before typos (to detect typos independently)."""
    strings = [t for ts in P.PHRASES.values() for t in ts] + [t for ts in P.IRONY.values() for t in ts]
    strings += [t for ts in P.OPENERS.values() for t in ts] + [t for ts in P.FILLERS.values() for t in ts]
    strings += P.FRAMES_FIRST + P.FRAMES_THIRD + P.REPORTED + P.NO_THEME
    strings += [c[0] for c in P.CONNECT_SAME + P.CONNECT_CONTRAST] + list(P.ABBREVIATION_FORMS)
    strings += ["jeg mig min mit mine hun han hende ham hendes hans sig sin sit sine borgeren sagsbehandleren"]
    words = {w for s in strings for w in re.findall(r"[a-zæøå]+", s.lower())}
    return words | {w.translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})) for w in words}


def test_text_quality_and_noise_rates(demo):
    resp = _resp(demo)
    texts = [t for r in demo.respondents for (_s, t) in r.answers.values() if t]
    n_all = sum(len(r.answers) for r in demo.respondents)
    assert 0.80 <= len(texts) / n_all <= 0.92
    assert not any("{" in t or "}" in t or "  " in t or t != t.strip() for t in texts)
    assert len(set(texts)) / len(texts) > 0.8
    words = [len(t.split()) for t in texts]
    assert 6 <= statistics.median(words) <= 25 and max(words) <= 60
    assert sum(w > 40 for w in words) / len(words) < 0.05
    abbr = re.compile("|".join(re.escape(a) for a in sorted(P.ABBREVIATION_FORMS, key=len, reverse=True)))
    share_abbr = sum(bool(abbr.search(t)) for t in texts) / len(texts)
    assert 0.05 <= share_abbr <= 0.4, share_abbr
    vocab = _vocabulary()
    oov = {k for k in demo.gold if any(w not in vocab for w in re.findall(r"[a-zæøå]+",
                                                                          resp[k[0]].answers[k[1]][1].lower()))}
    assert 0.05 <= len(oov) / len(texts) <= 0.3, len(oov) / len(texts)
    flagged = {k for k, f in demo.noise.items() if "typo" in f}
    assert oov <= flagged  # every unknown word is a deliberate typo, not garbage
    assert len(oov) >= 0.8 * len(flagged)
    share = lambda flag: sum(flag in f for f in demo.noise.values()) / len(texts)  # noqa: E731
    assert 0.01 <= share("ascii") <= 0.1 and 0.08 <= share("lower") <= 0.25
    assert share("irony") > 0 and share("mixed") > 0.02
    neg = [t for (rk, q) in demo.gold for t in [resp[rk].answers[q][1]] if resp[rk].answers[q][0] in (1, 2)]
    assert sum(bool(re.search(r"\b(ikke|ingen|aldrig|intet)\b", t.lower())) for t in neg) / len(neg) > 0.3
    voices = Counter("first" if re.search(r"\bjeg\b", t.lower()) else
                     "third" if re.search(r"\b(borger(en)?|hun|han)\b", t.lower()) else "none" for t in texts)
    assert voices["first"] > 0.3 * len(texts) and voices["third"] > 0.15 * len(texts)


def test_spans_locate_each_theme_in_the_final_text(demo):
    resp = _resp(demo)
    for key, gold in demo.gold.items():
        text = resp[key[0]].answers[key[1]][1]
        spans = demo.spans[key]
        assert set(spans) == set(gold)
        prev_end = 0
        for theme in gold:  # in order of appearance, not overlapping
            s, e = spans[theme]
            assert 0 <= s < e <= len(text)
            piece = text[s:e]
            assert piece.strip() == piece and len(piece) >= 3
            assert s >= prev_end
            prev_end = e


def test_phrases_are_rich_and_mostly_paraphrase_the_labels():
    cb = load_codebook(DEFAULT_CODEBOOK)
    for theme, templates in P.PHRASES.items():
        assert len(set(templates)) >= 8, theme
        assert sum(t.startswith("{S}") for t in templates) >= 1 or theme in (
            "kassetaenkning", "godt_menneske_daarligt_system", "op_og_ned", "afhaenger_af_sagsbehandler"), theme
        label_words = {w for w in re.findall(r"[a-zæøå]{5,}", cb.code(theme).label.lower())
                       if not w.startswith("sagsbehandler")}  # names the person, not the theme
        with_label = sum(any(w in t.lower() for w in label_words) for t in templates)
        assert with_label <= len(templates) / 2, (theme, label_words)


def test_create_demo_builds_a_project_in_progress(tmp_path, demo):
    path = str(tmp_path / "demo.db")
    summary = create_demo(path, seed=2020)
    assert summary.startswith(f"created demo project {path}: 405 respondents, {demo.n_text} answers")
    store = Store.open(path)
    try:
        with store.session() as s:
            assert len(s.exec(select(Respondent)).all()) == 405
            answers = s.exec(select(Answer)).all()
            assert len(answers) == 405 * 7
            assert sum(bool(a.text) for a in answers) == demo.n_text
            roles = {c.name: c.role for c in s.exec(select(Coder))}
            assert {k: roles.get(k) for k in ("facit", "anne", "bo", "susanne")} == {
                "facit": "gold", "anne": "coder", "bo": "coder", "susanne": "supervisor"}
            cid = {c.name: c.id for c in s.exec(select(Coder))}
            coded = defaultdict(set)
            for st_ in s.exec(select(AnswerState).where(AnswerState.coded == True)):  # noqa: E712
                coded[st_.coder_id].add(st_.answer_id)
            assert len(coded[cid["facit"]]) == demo.n_text
            assert len(coded[cid["anne"]]) == 320 and len(coded[cid["bo"]]) == 120
            assert coded[cid["bo"]] <= coded[cid["anne"]]
            assert not coded[cid["susanne"]]
            key_of = {a.id: (rk, qk) for a, rk, qk in s.exec(
                select(Answer, Respondent.key, Question.key).join(Respondent, Respondent.id == Answer.respondent_id)
                .join(Question, Question.id == Answer.question_id))}
            band = {a.id: a.band for a in answers}
            text = {a.id: a.text for a in answers}
            sample = coded[cid["bo"]]
            assert {key_of[a][1] for a in sample} == set(spec.QUESTION_KEYS)
            assert {band[a] for a in sample} == {"negativ", "neutral", "positiv", "ved_ikke"}
            code_key = {c.id: c.key for c in s.exec(select(Code))}
            per = defaultdict(lambda: defaultdict(set))
            anne_spans = anne_total = 0
            for cd in s.exec(select(Coding)):
                per[cd.coder_id][cd.answer_id].add(code_key[cd.code_id])
                if cd.start is not None:
                    assert 0 <= cd.start < cd.end <= len(text[cd.answer_id])
                    assert text[cd.answer_id][cd.start:cd.end].strip()
                if cd.coder_id == cid["anne"]:
                    anne_total += 1
                    anne_spans += cd.start is not None
            for aid in coded[cid["facit"]]:
                assert per[cid["facit"]][aid] == set(demo.gold[key_of[aid]])
            assert 0.15 <= anne_spans / anne_total <= 0.45
            same = sum(per[cid["anne"]][a] == per[cid["bo"]][a] for a in sample)
            assert 0.5 * len(sample) <= same < len(sample)  # realistic, imperfect agreement
            right = sum(per[cid["anne"]][a] == per[cid["facit"]][a] for a in coded[cid["anne"]])
            assert 0.6 * 320 <= right < 320
    finally:
        store.close()


def test_create_demo_is_deterministic(tmp_path):
    def dump(path):
        create_demo(path, seed=11)
        store = Store.open(path)
        try:
            with store.session() as s:
                cols = (Coder.name, Respondent.key, Question.key, Code.key, Coding.start, Coding.end)
                return sorted(s.exec(select(*cols)
                                     .join(Coder, Coder.id == Coding.coder_id)
                                     .join(Answer, Answer.id == Coding.answer_id)
                                     .join(Respondent, Respondent.id == Answer.respondent_id)
                                     .join(Question, Question.id == Answer.question_id)
                                     .join(Code, Code.id == Coding.code_id)).all())
        finally:
            store.close()

    a, b = dump(str(tmp_path / "a.db")), dump(str(tmp_path / "b.db"))
    assert a == b and len(a) > 2000


def test_print_samples_per_band(demo):
    """Eyeballing aid: `pytest tests/test_demo.py -k samples -s` prints a few answers per band."""
    resp = _resp(demo)
    by_band = defaultdict(list)
    for (rk, q), gold in sorted(demo.gold.items()):
        score, text = resp[rk].answers[q]
        by_band[band_of(score)].append(f"  {q} {score} {'+'.join(gold) or '-'}: {text}")
    for band in ("positiv", "neutral", "negativ", "ved_ikke"):
        print(band)
        print("\n".join(by_band[band][:: max(1, len(by_band[band]) // 6)][:6]))
    assert all(by_band[b] for b in ("positiv", "neutral", "negativ", "ved_ikke"))


def test_create_demo_on_postgres(pg_url):
    summary = create_demo(pg_url, seed=5)
    assert "405 respondents" in summary
    store = Store.open(pg_url)
    try:
        with store.session() as s:
            assert len(s.exec(select(Answer)).all()) == 405 * 7
            anne = s.exec(select(Coder).where(Coder.name == "anne")).one()
            assert len(s.exec(select(AnswerState).where(AnswerState.coder_id == anne.id)).all()) == 320
    finally:
        store.close()


def test_create_demo_reports_progress_and_can_be_cancelled(tmp_path):
    from workbench.errors import Cancelled

    seen = []
    create_demo(str(tmp_path / "p.db"), seed=1, progress=lambda d, t: seen.append((d, t)) or True)
    assert seen[0] == (0, 100) and seen[-1] == (100, 100)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    with pytest.raises(Cancelled):
        create_demo(str(tmp_path / "q.db"), seed=1, progress=lambda d, t: d < 50)


def test_csv_exports_round_trip_through_the_importers(tmp_path, sqlite_store):
    from workbench.importer.codings import import_codings
    from workbench.importer.survey import import_survey

    small = generate_survey(seed=9)
    res = import_survey(sqlite_store, small.to_csv(tmp_path / "s.csv"))
    assert (res.respondents, res.answers) == (405, small.n_text)
    with sqlite_store.session() as s:
        stored = {(rk, qk): t for t, rk, qk in s.exec(
            select(Answer.text, Respondent.key, Question.key).join(Respondent, Respondent.id == Answer.respondent_id)
            .join(Question, Question.id == Answer.question_id))}
    assert all(stored[k] == t for r in small.respondents for q, (_s, t) in r.answers.items() for k in [(r.key, q)])
    got = import_codings(sqlite_store, "facit", small.gold_csv(tmp_path / "g.csv"))
    assert got.answers == len(small.gold) and got.codings == sum(len(v) for v in small.gold.values())
