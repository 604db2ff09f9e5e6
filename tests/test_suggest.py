"""Code suggestions: cold start from the codebook, learning from coders, measured quality,
feedback, reliability rounds and the command-line formats."""
from __future__ import annotations

import csv
import json
import random

import numpy as np
import pytest
from sqlmodel import select

from workbench.demo.generate import band_of
from workbench.coding.codebook import load_codebook
from workbench.coding.models import Assignment, Code, Coder, Coding, NlpCache, Round, SuggestionFeedback
from workbench.coding.store import Store
from workbench.errors import InputError
from workbench.nlp import features as F
from workbench.nlp.matcher import CodebookMatcher
from workbench.nlp.suggest import (AnswerItem, Suggester, accept, cross_validate, evaluate_csv, evaluate_items,
                                   load_items, precision_threshold, precode, reject, skip, suggest_csv,
                                   training_data, uncertainty_queue)

HANDWRITTEN = [
    # (text, score, question, gold codes)
    ("Hun lyttede virkelig og forstod min situation med min syge mor", 5, "q1", {"lyttende_forstaaende"}),
    ("Sagsbeh. var sød og tog sig god tid til mig", 4, "q3", {"lyttende_forstaaende"}),
    ("Han lytter ikke, han har sin egen dagsorden", 1, "q1", {"ikke_lyttet_til"}),
    ("Jeg følte ikke at hun hørte hvad jeg sagde", 2, "q3", {"ikke_lyttet_til"}),
    ("Jeg har haft 4 forskellige sagsbehandlere i år, hver gang skal jeg starte forfra", 1, "q1", {"sagsbehandlerskift"}),
    ("Ny sagsbehandeler igen. Hun kendte ikke min sag", 2, "q7", {"sagsbehandlerskift"}),
    ("Det er den samme sagsbehandler jeg har haft i tre år og hun kender mig", 5, "q5", {"fast_sagsbehandler"}),
    ("Hun er godt forberedt og har styr på reglerne", 5, "q2", {"faglig_kompetent"}),
    ("Fik rigtig gode råd til mit CV og ansøgninger", 4, "q1", {"faglig_kompetent"}),
    ("Det kommer an på hvilken sagsbehandler man får, nogle er gode andre er ikke", 3, "q7", {"afhaenger_af_sagsbehandler"}),
    ("Jeg kan spørge om alt og hun forklarer det så jeg forstår det", 5, "q3", {"god_kommunikation"}),
    ("Man kan altid ringe eller skrive en sms og hun svarer hurtigt", 5, "q5", {"tilgaengelig"}),
    ("Umuligt at få fat i nogen, de tager aldrig telefonen", 1, "q5", {"utilgaengelig"}),
    ("Jeg ringer og ringer men ingen ringer tilbage", 1, "q5", {"utilgaengelig"}),
    ("Jeg stoler ikke på dem, de bruger alt imod en", 1, "q5", {"mistillid"}),
    ("De putter alle i samme kasse, regler er regler", 2, "q3", {"kassetaenkning"}),
    ("Hun gør sit bedste men systemet binder hende på hænder og fødder", 3, "q7", {"godt_menneske_daarligt_system"}),
    ("Man føler sig mistænkt, skal hele tiden dokumentere alt", 1, "q2", {"kontrol_mistaenkeliggoerelse"}),
    ("Trusler om at trække i kontanthjælpen hvis man ikke møder op", 1, "q7", {"kontrol_mistaenkeliggoerelse"}),
    ("Samtalerne er spild af tid, det er det samme hver gang", 1, "q1", {"meningsloese_aktiviteter"}),
    ("Endnu et meningsløst kursus i jobsøgning", 2, "q2", {"meningsloese_aktiviteter"}),
    ("Jeg har ventet i månedsvis på svar fra rehabiliteringsteamet", 1, "q6", {"ventetid"}),
    ("Alt tager alt for lang tid, der sker ingenting", 2, "q2", {"ventetid"}),
    ("De kunne ikke flytte mødet selvom mit barn var syg", 1, "q3", {"ufleksibelt_system"}),
    ("Man bliver behandlet som et nummer og talt ned til", 1, "q7", {"uvaerdig_behandling"}),
    ("Personalet i receptionen er altid smilende og hjælpsomme", 5, "q7", {"imoedekommende_personale"}),
    ("Jeg havde hørt mange dårlige ting, men det var bedre end forventet", 4, "q1", {"positivt_overrasket"}),
    ("Vi lavede en klar plan og jeg ved hvad næste skridt er", 5, "q6", {"klare_aftaler"}),
    ("Ikke aftalt noget endnu, jeg venter på svar fra lægen", 3, "q6", {"afventer_afklaring"}),
    ("Jeg har fået en praktikplads i et supermarked", 5, "q2", {"relevante_tilbud"}),
    ("Fik bevilget et truckkort kursus som jeg selv ønskede", 5, "q1", {"relevante_tilbud"}),
    ("Jeg får ingen hjælp, jeg må klare alt selv", 1, "q2", {"mangler_hjaelp"}),
    ("Hun presser mig ikke og vi tager det i mit eget tempo", 5, "q3", {"paa_egne_praemisser"}),
    ("De bestemmer bare hen over hovedet på mig", 1, "q3", {"holdt_udenfor"}),
    ("Det var kun første samtale, så det er for tidligt at sige", 9, "q2", {"ny_i_forloebet"}),
    ("Det går lidt op og ned, i starten var det dårligt men nu er det bedre", 3, "q7", {"op_og_ned"}),
    ("Hun giver mig et skub og troen på mig selv", 5, "q1", {"motiverende"}),
    ("Jeg søger mange job hver uge og har selv fundet en praktik via mit netværk", 5, "q4", {"egen_indsats"}),
    ("Jeg møder op til møderne og gør det jeg skal", 4, "q4", {"opfylder_krav"}),
    ("Jeg kunne godt søge lidt mere, det er min egen skyld", 2, "q4", {"kunne_goere_mere"}),
    ("Pga. ryggen og min depression kan jeg ikke så meget", 3, "q2", {"helbred"}),
    ("Jeg forstår ikke de breve de sender, mit dansk er ikke godt", 2, "q5", {"sprogbarriere"}),
    ("Der er ingen job inden for mit fag, jeg er for gammel", 2, "q4", {"mangel_paa_job"}),
    ("Under corona blev alle møder aflyst og holdt over telefonen", 3, "q2", {"covid19"}),
    # harder: paraphrases, two themes, no keyword from the codebook
    ("Hun er sød, men systemet er håbløst", 3, "q7", {"lyttende_forstaaende", "godt_menneske_daarligt_system"}),
    ("Jeg aner ikke hvad der skal ske nu", 2, "q6", {"afventer_afklaring"}),
    ("Følte mig som en idiot derinde", 1, "q7", {"uvaerdig_behandling"}),
    ("Det er tredje gang jeg skal fortælle min historie til en ny", 1, "q1", {"sagsbehandlerskift"}),
    ("Endelig en der gider høre på mig", 5, "q1", {"lyttende_forstaaende"}),
    ("Hun tog ikke mine lægepapirer alvorligt", 1, "q3", {"ikke_lyttet_til", "helbred"}),
]


@pytest.fixture(scope="module")
def matcher():
    return CodebookMatcher(load_codebook())


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo project (405 respondents, ~2,500 answers, gold by coder facit)."""
    from workbench.demo.generate import create_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    create_demo(str(path), seed=2020)
    store = Store.open(str(path))
    yield store
    store.close()


@pytest.fixture(scope="module")
def simulated(demo):
    """A coder who coded 200 answers exactly as the answer key: the suggester fitted on them,
    and the held-out answers with their gold codes."""
    items, labels = training_data(demo, "facit", include_gold=True)
    gold = {it.id: l for it, l in zip(items, labels)}
    rng = random.Random(7)
    train = set(rng.sample(sorted(gold), 200))
    sg = Suggester.for_store(demo)
    report = sg.fit(demo, "facit", include_gold=True, answer_ids=train)
    test = [it for it in items if it.id not in train]
    return sg, report, train, test, [gold[it.id] for it in test]


def codes(hits):
    return [h.code for h in hits]


# -- cold start ------------------------------------------------------------------------------

def test_negation_flips_to_the_counterpart(matcher):
    hits = matcher.top("Hun lytter ikke til mig", "negativ", "q1", 3)
    assert hits[0].code == "ikke_lyttet_til"
    assert "lyttende_forstaaende" not in codes(hits[:1])
    # without a band the negation alone must still decide
    r = {h.code: h.score for h in matcher.top("Sagsbehandleren lyttede slet ikke", None, None, 35)}
    assert r["ikke_lyttet_til"] > r.get("lyttende_forstaaende", 0) + 0.3
    r = {h.code: h.score for h in matcher.top("Sagsbehandleren lyttede", None, None, 35)}
    assert r["lyttende_forstaaende"] > r.get("ikke_lyttet_til", 0) + 0.3


@pytest.mark.parametrize("text,code", [
    ("Jeg fik ingen hjælp overhovedet", "mangler_hjaelp"),
    ("Hun presser mig ikke", "paa_egne_praemisser"),
    ("Man kan aldrig få fat i hende", "utilgaengelig"),
    ("Hun var slet ikke venlig", "ikke_lyttet_til"),
])
def test_negated_keywords(matcher, text, code):
    assert matcher.top(text, None, None, 1)[0].code == code


def test_negation_window_ends_at_the_clause(matcher):
    hits = matcher.top("Ikke så meget snak, men hun lytter til mig", "positiv", "q1", 1)
    assert hits[0].code == "lyttende_forstaaende"


@pytest.mark.parametrize("text,code,word", [
    ("Fik en ny sagsbehandeler igen", "sagsbehandlerskift", "sagsbehandeler"),
    ("Ny sagsbeh. igen, skal forklare alt", "sagsbehandlerskift", "sagsbehandler"),
    ("hun er meget kompetnt", "faglig_kompetent", "kompetnt"),
    ("Jeg har faaet en praktikplads", "relevante_tilbud", "praktikplads"),
])
def test_misspellings_and_abbreviations(matcher, text, code, word):
    hit = matcher.top(text, None, None, 1)[0]
    assert hit.code == code
    assert any(word in w for w in hit.why), hit.why


@pytest.mark.parametrize("text,code", [
    ("Sagsbehandlerskift hele tiden", "sagsbehandlerskift"),
    ("Jeg fik en praktikplads", "relevante_tilbud"),
    ("Mentorordningen har hjulpet mig", "relevante_tilbud"),
    ("jobcenterets personalegruppe er super flinke", "imoedekommende_personale"),
])
def test_compounds(matcher, text, code):
    assert matcher.top(text, None, None, 1)[0].code == code


def test_compound_split(matcher):
    slots, how = matcher._compound("sagsbehandlerskift", "sagsbehandlerskift")
    assert how == "compound" and [dict(s) for s in slots][-1] == {"skift": 0.8}


def test_band_context_down_weights_codes_of_other_bands(matcher):
    text = "Hun er sød, men samtalerne er spild af tid"
    pos = matcher.top(text, "positiv", "q1", 2)
    neg = matcher.top(text, "negativ", "q1", 2)
    assert pos[0].code == "lyttende_forstaaende"
    assert neg[0].code == "meningsloese_aktiviteter"
    # a code of negative answers never tops a positive-band code in a positive answer
    hand = [(t, band_of(s), q) for t, s, q, _g in HANDWRITTEN if band_of(s) == "positiv"]
    cb = load_codebook()
    for t, b, q in hand:
        top = matcher.top(t, b, q, 1)[0]
        assert "positiv" in cb.code(top.code).bands, (t, top)


def test_question_boost(matcher):
    text = "Hun ringer altid tilbage"
    on = {h.code: h.score for h in matcher.top(text, None, "q5", 35)}
    off = {h.code: h.score for h in matcher.top(text, None, "q1", 35)}
    assert on["tilgaengelig"] > off["tilgaengelig"]


def test_phrases_weigh_more_than_single_words(matcher):
    one = {h.code: h.score for h in matcher.top("Hun er dygtig", None, None, 35)}
    phrase = {h.code: h.score for h in matcher.top("Hun er fagligt dygtig", None, None, 35)}
    assert phrase["faglig_kompetent"] > one["faglig_kompetent"]


def test_scores_are_in_range_and_explain_themselves(matcher):
    for t, s, q, _g in HANDWRITTEN:
        r = matcher.match(F.analyse([t])[0], band_of(s), q)
        assert np.all((r.scores >= 0) & (r.scores <= 1))
    hit = matcher.top("Det er spild af tid at komme her", "negativ", "q1", 1)[0]
    assert hit.why == ["spild af tid"]


def test_cold_start_handwritten_hit_at_3(matcher):
    hits = 0
    for t, s, q, gold in HANDWRITTEN:
        hits += bool(gold & set(codes(matcher.top(t, band_of(s), q, 3))))
    assert hits / len(HANDWRITTEN) > 0.8


# -- features and cache -------------------------------------------------------------------------

class CountingNlp:
    """The real pipeline, counting the texts it parses."""

    def __init__(self):
        from workbench.nlp.pipeline import load_pipeline

        self.nlp = load_pipeline()
        self.meta = self.nlp.meta
        self.parsed = 0

    @property
    def pipe_names(self):
        return self.nlp.pipe_names

    def pipe(self, texts, **kw):
        texts = list(texts)
        self.parsed += len(texts)
        return self.nlp.pipe(texts, **kw)


def test_features_are_cached_in_the_project(sqlite_store):
    nlp = CountingNlp()
    texts = ["Hun lytter til mig", "Sagsbeh. er sød", "Hun lytter til mig", "Corona lukkede alt"]
    F.clear_memory_cache()
    a = F.analyse(texts, store=sqlite_store, nlp=nlp)
    assert nlp.parsed == 3  # duplicates parsed once
    assert a[1].lemma[0] == "sagsbehandler"
    F.clear_memory_cache()
    b = F.analyse(texts + ["Ny tekst"], store=sqlite_store, nlp=nlp)
    assert nlp.parsed == 4  # only the new text
    assert [x.lemma for x in a] == [x.lemma for x in b[:4]]
    with sqlite_store.session() as s:
        assert len(s.exec(select(NlpCache)).all()) == 4


# -- learning -----------------------------------------------------------------------------------

def test_gold_is_not_training_data_unless_asked(demo):
    with pytest.raises(InputError, match="gold"):
        training_data(demo, "facit")
    items, labels = training_data(demo, None)  # every human coder: anne and bo, never facit
    with demo.session() as s:
        names = {c.name: c.id for c in s.exec(select(Coder))}
        n_human = len(s.exec(select(Coding.answer_id).where(Coding.coder_id.in_([names["anne"], names["bo"]]))
                             .distinct()).all())
    assert 300 <= len(items) <= 450 and n_human <= len(items)


def test_learning_beats_cold_start_on_held_out(demo, simulated):
    sg, report, _train, test, gold = simulated
    assert report.n_answers == 200 and report.n_codes_learned >= 20
    assert report.seconds < 20
    cold_sg = Suggester.for_store(demo)
    cold_sg._matcher, cold_sg._match_cache = sg.matcher, sg._match_cache  # same codebook: reuse its matches
    cold = evaluate_items(cold_sg, test, gold, store=demo)
    learned = evaluate_items(sg, test, gold, store=demo)
    assert cold["hit"][3] > 0.5  # the codebook alone already finds a right code in the top 3
    assert learned["micro"]["f1"] > cold["micro"]["f1"] + 0.02
    assert learned["hit"][1] > cold["hit"][1]


def test_cross_validation_reports_per_code_quality(simulated):
    sg = simulated[0]
    q = sg.quality
    assert set(q) == set(sg.ids)
    assert sum(x.support for x in q.values()) >= 200
    good = [x for x in q.values() if x.support >= 10]
    assert good and all(x.precision is not None and 0 <= x.precision <= 1 for x in good)
    assert np.mean([x.f1 for x in good]) > 0.6


def test_cross_validate_function_on_a_coder(demo):
    q = cross_validate(demo, "anne", k=3)
    assert q["lyttende_forstaaende"].support > 10
    assert q["lyttende_forstaaende"].recall is not None


def test_precision_threshold():
    s = np.array([0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4])
    y = np.array([1, 1, 1, 1, 1, 0, 1, 0], dtype=bool)
    assert precision_threshold(s, y, 0.8) == 0.7   # 5/(5+1) at 0.7; 6/(7+1) < 0.8 below
    assert precision_threshold(s, y, 0.99) is None
    assert precision_threshold(s[:2], y[:2], 0.5) is None  # too few correct hits to tell


def test_confident_precoding_reaches_the_target(demo, simulated):
    sg, _r, train, test, gold = simulated
    with demo.session() as s:
        n_codings = len(s.exec(select(Coding.id)).all())
    ids = [it.id for it in test]
    pre = precode(demo, "sim", 0.9, suggester=sg, answer_ids=ids)
    with demo.session() as s:
        assert len(s.exec(select(Coding.id)).all()) == n_codings  # suggestions, not codings
    g = {it.id: gg for it, gg in zip(test, gold)}
    tp = sum(s.code in g[a] for a, sug in pre.items() for s in sug)
    n = sum(len(sug) for sug in pre.values())
    assert all(s.confident for sug in pre.values() for s in sug)
    assert len(pre) / len(ids) >= 0.5
    assert tp / n >= 0.9


def test_suggestions_for_a_coder_leave_out_rejected_and_applied_codes(demo, simulated):
    sg = simulated[0]
    aid = simulated[3][0].id
    first = sg.suggest_answers(demo, "carl", [aid], top=3)[aid]
    top = first[0].code
    reject(demo, "carl", aid, top, first[0].score)
    again = sg.suggest_answers(demo, "carl", [aid], top=3)[aid]
    assert top not in codes(again)
    assert sg.suggest_answers(demo, "dora", [aid], top=3)[aid][0].code == top  # another coder still sees it
    second = again[0].code
    cid = accept(demo, "carl", aid, second, again[0].score)
    skip(demo, "carl", aid, again[1].code)
    with demo.session() as s:
        cd = s.get(Coding, cid)
        assert cd.source == "suggestion"
        verdicts = {f.verdict for f in s.exec(select(SuggestionFeedback).where(SuggestionFeedback.answer_id == aid))}
    assert verdicts == {"accepted", "rejected", "skipped"}
    later = sg.suggest_answers(demo, "carl", [aid], top=5)[aid]
    assert top not in codes(later) and second not in codes(later)


def test_min_precision_setting_limits_suggestions(demo, simulated):
    sg = simulated[0]
    ids = [it.id for it in simulated[3][:200]]
    all_ = sg.suggest_answers(demo, "erik", ids, top=3)
    demo.update_settings(suggest_min_precision=0.9)
    try:
        strict = sg.suggest_answers(demo, "erik", ids, top=3)
    finally:
        demo.update_settings(suggest_min_precision=None)
    thr = sg.thresholds(0.9)
    n_all = sum(len(v) for v in all_.values())
    n_strict = sum(len(v) for v in strict.values())
    assert 0 < n_strict < n_all
    assert all(thr[s.code] is not None and s.score >= thr[s.code] for v in strict.values() for s in v)


def test_no_suggestions_in_a_reliability_round(demo, simulated):
    sg = simulated[0]
    a, b = simulated[3][1].id, simulated[3][2].id
    with demo.transaction() as s:
        r = Round(name="reliabilitet-test", reliability=True)
        s.add(r)
        s.flush()
        s.add(Assignment(round_id=r.id, answer_id=a, coder_id=demo.coder(s, "anne").id))
    res = sg.suggest_answers(demo, "anne", [a, b])
    assert res[a] == [] and res[b]
    assert a not in {x for x, _u in uncertainty_queue(demo, "anne", limit=5000, suggester=sg)}
    assert a not in precode(demo, "anne", 0.5, suggester=sg, answer_ids=[a, b])


def test_uncertainty_queue_orders_by_uncertainty(demo, simulated):
    sg = simulated[0]
    q = uncertainty_queue(demo, "anne", limit=30, suggester=sg)
    assert len(q) == 30
    u = [x for _a, x in q]
    assert u == sorted(u, reverse=True)
    coded = {it.id for it in training_data(demo, "anne")[0]}
    assert not coded & {a for a, _u in q}
    # the most uncertain answers have a code scored near 0.5; a confident answer does not
    items = load_items(demo, [q[0][0]])
    sc = sg.score(items, store=demo)[0][0]
    assert np.min(np.abs(sc - 0.5)) < 0.25


# -- command line formats -------------------------------------------------------------------------

def _write_csv(path, rows, header=("id", "question", "score", "text")):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_suggest_csv_contract(tmp_path):
    cb = load_codebook()
    rows = [[f"h{i}", q, str(s), t] for i, (t, s, q, _g) in enumerate(HANDWRITTEN[:12])]
    rows.append(["blank", "q1", "", ""])
    inp = _write_csv(tmp_path / "in.csv", rows)
    n = suggest_csv(inp, tmp_path / "out.jsonl", top=3)
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert n == len(rows) == len(lines)
    assert [x["id"] for x in lines] == [r[0] for r in rows]
    for x, (_i, _q, _s, _t) in zip(lines, rows):
        sc = [s["score"] for s in x["suggestions"]]
        assert 1 <= len(sc) <= 3 and sc == sorted(sc, reverse=True)
        assert all(s["code"] in cb.ids and 0 <= s["score"] <= 1 for s in x["suggestions"])
    assert lines[0]["suggestions"][0]["code"] == "lyttende_forstaaende"


def test_suggest_csv_rejects_bad_input(tmp_path):
    bad = _write_csv(tmp_path / "bad.csv", [["a", "q1", "7", "tekst"], ["a", "q1", "1", "x"]])
    with pytest.raises(InputError) as e:
        suggest_csv(bad, tmp_path / "o.jsonl")
    msg = str(e.value)
    assert "bad.csv, row 2, column score" in msg and "row 3, column id" in msg
    assert not (tmp_path / "o.jsonl").exists()
    missing = _write_csv(tmp_path / "m.csv", [["a", "x"]], header=("id", "text"))
    with pytest.raises(InputError, match="column question"):
        suggest_csv(missing, tmp_path / "o.jsonl")


def test_suggest_csv_learns_from_a_project(tmp_path, demo):
    rows = [[f"h{i}", q, str(s), t] for i, (t, s, q, _g) in enumerate(HANDWRITTEN[:5])]
    inp = _write_csv(tmp_path / "in.csv", rows)
    assert suggest_csv(inp, tmp_path / "out.jsonl", project=demo.url.replace("sqlite:///", ""), top=2) == 5
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(1 <= len(x["suggestions"]) <= 2 for x in lines)


def test_evaluate_csv_report(tmp_path):
    rows = [[f"h{i}", q, str(s), t, " ".join(sorted(g))] for i, (t, s, q, g) in enumerate(HANDWRITTEN)]
    path = _write_csv(tmp_path / "gold.csv", rows, header=("id", "question", "score", "text", "gold"))
    report = evaluate_csv(path, top=3)
    assert "micro" in report and "macro" in report
    hit = {line.split(":")[0]: float(line.split(":")[1]) for line in report.splitlines() if line.startswith("hit@")}
    assert set(hit) == {"hit@1", "hit@3"} and hit["hit@3"] >= hit["hit@1"] and hit["hit@3"] > 0.8
    micro = report.splitlines()[2].split()
    assert micro[0] == "micro" and 0 < float(micro[1]) <= 1
    rows[0][4] = "ikke_en_kode"
    bad = _write_csv(tmp_path / "bad.csv", rows, header=("id", "question", "score", "text", "gold"))
    with pytest.raises(InputError, match="column gold"):
        evaluate_csv(bad)


def test_evaluate_items_arithmetic():
    sg = Suggester(load_codebook())
    items = [AnswerItem("Hun lytter til mig", "positiv", "q1"), AnswerItem("Corona lukkede alt", "neutral", "q2")]
    ev = evaluate_items(sg, items, [{"lyttende_forstaaende"}, {"helbred"}], top=3)
    assert ev["hit"][1] == 0.5  # the second answer's gold is wrong on purpose
    assert ev["micro"]["recall"] == 0.5


def test_accepting_a_suggestion_is_one_commit(demo, simulated, monkeypatch):
    """If recording the verdict fails, the coding is not kept either (and vice versa)."""
    import workbench.nlp.suggest as S

    aid = simulated[3][1].id
    with demo.session() as s:
        code = s.exec(select(Code.id).order_by(Code.id)).first()  # any code will do
        before = len(s.exec(select(Coding.id).where(Coding.answer_id == aid)).all())

    def broken(*a, **k):
        raise RuntimeError("disk full")
    monkeypatch.setattr(S, "_feedback_in", broken)
    with pytest.raises(RuntimeError):
        accept(demo, "erik", aid, code, 0.5)
    with demo.session() as s:
        assert len(s.exec(select(Coding.id).where(Coding.answer_id == aid)).all()) == before
    monkeypatch.undo()
    cid = accept(demo, "erik", aid, code, 0.5)
    with demo.session() as s:
        assert s.get(Coding, cid).source == "suggestion"
        assert s.exec(select(SuggestionFeedback.verdict).where(SuggestionFeedback.answer_id == aid,
                                                               SuggestionFeedback.code_id == code)).all() == ["accepted"]


def test_bands_and_context_come_from_the_definition(tmp_path):
    """Any survey: a CSV's bands by its question's own rule; the classifier's context columns
    are the definition's bands and questions (a question named like a band stays apart)."""
    from workbench.coding.definition import SurveyDefinition
    from workbench.nlp.classifier import CodeClassifier
    from workbench.nlp.suggest import read_answers_csv

    d = SurveyDefinition.from_dict({"survey": "S", "respondent_id": "id", "questions": [
        {"key": "samlet", "score": "s1", "text": "t1", "scale": "0-10",
         "bands": {"lav": "0-6", "mellem": "7-8", "høj": "9-10"}},
        {"key": "neutral", "text": "k"}]})
    p = _write_csv(tmp_path / "a.csv", [["a", "samlet", "8", "fint"], ["b", "neutral", "", "tekst"]])
    items, _ = read_answers_csv(p, definition=d)
    assert [(i.band, i.question) for i in items] == [("mellem", "samlet"), (None, "neutral")]
    bad = _write_csv(tmp_path / "b.csv", [["a", "samlet", "11", "x"], ["b", "neutral", "3", "y"]])
    with pytest.raises(InputError) as e:
        read_answers_csv(bad, definition=d)
    msg = str(e.value)
    assert "row 2, column score" in msg and "0–10" in msg and "row 3, column question" in msg
    clf = CodeClassifier(["x"], bands=d.bands, questions=d.question_keys)
    m = clf._context(["mellem", None, "neutral"], ["samlet", "neutral", None]).toarray()
    assert m.shape == (3, 3 + 1 + 2)
    assert [list(np.nonzero(r)[0]) for r in m] == [[1, 4], [3, 5], [3]]
