"""Tests for workbench.coding.agreement_stats.

Reference implementations: ``krippendorff`` (alpha), scikit-learn (Cohen),
statsmodels (Fleiss). Textbook values: Krippendorff (2011) 4-coder example,
Wikipedia/Fleiss kappa example, Krippendorff (1995; 2004) unitizing examples
(intermediate values as also asserted by DKPro Statistics' test-suite).
"""

from __future__ import annotations

import math
import random
import warnings
from fractions import Fraction

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from workbench.coding.agreement_stats import (
    _delta2,
    _pair_sum,
    _sections,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha_nominal,
    percent_agreement,
    unitizing_alpha,
    unitizing_disagreements,
)

N_RANDOM = 300


def _reference_alpha(units: list[list[int | None]]) -> float | None:
    """krippendorff.alpha on our units-x-coders data; None where it refuses or gives NaN."""
    n_coders = max(len(u) for u in units)
    matrix = np.full((n_coders, len(units)), np.nan)
    for j, unit in enumerate(units):
        for i, v in enumerate(unit):
            if v is not None:
                matrix[i, j] = v
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
        except ValueError:
            return None
    return None if math.isnan(value) else float(value)


def _random_units(rng: random.Random) -> list[list[int | None]]:
    n_units = rng.randint(1, 25)
    n_coders = rng.randint(2, 6)
    n_cats = rng.randint(1, 5)
    p_missing = rng.choice([0.0, 0.1, 0.3, 0.6])
    skew = rng.random() < 0.3  # sometimes mostly one category
    units = []
    for _ in range(n_units):
        unit = []
        for _ in range(n_coders):
            if rng.random() < p_missing:
                unit.append(None)
            elif skew and rng.random() < 0.85:
                unit.append(1)
            else:
                unit.append(rng.randint(1, n_cats))
        units.append(unit)
    return units


# ---------------------------------------------------------------------------
# Krippendorff's alpha (nominal)
# ---------------------------------------------------------------------------


def test_alpha_matches_krippendorff_package_randomized():
    rng = random.Random(20240601)
    defined = 0
    for _ in range(N_RANDOM):
        units = _random_units(rng)
        ours = krippendorff_alpha_nominal(units)
        ref = _reference_alpha(units)
        if ref is None:
            assert ours is None, units
        else:
            defined += 1
            assert ours is not None, units
            assert abs(ours - ref) < 1e-9, (units, ours, ref)
    assert defined > N_RANDOM // 2  # the comparison is not vacuous


def test_alpha_accepts_any_hashable_categories():
    rng = random.Random(7)
    names = {1: "ja", 2: ("nej", 2), 3: frozenset({"måske"}), 4: 4.5, 5: "æøå"}
    for _ in range(50):
        units = _random_units(rng)
        renamed = [[None if v is None else names[v] for v in u] for u in units]
        a, b = krippendorff_alpha_nominal(units), krippendorff_alpha_nominal(renamed)
        assert a == b


def test_alpha_krippendorff_2011_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability",
    # section C: 4 coders, 12 units, nominal alpha = 0.743.
    n = None
    coders = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
        [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
    ]
    units = [list(col) for col in zip(*coders)]
    value = krippendorff_alpha_nominal(units)
    assert round(value, 3) == 0.743
    assert value == pytest.approx(_reference_alpha(units), abs=1e-12)


def test_alpha_degenerate_cases():
    # one category only -> D_e = 0 -> undefined
    assert krippendorff_alpha_nominal([["a", "a"], ["a", "a", "a"]]) is None
    # the other category only in an unpairable unit -> still undefined
    assert krippendorff_alpha_nominal([[1, 1], [1, 1], [2, None]]) is None
    # all missing / single values only / no units
    assert krippendorff_alpha_nominal([[None, None], [None, None]]) is None
    assert krippendorff_alpha_nominal([[1, None], [None, 2]]) is None
    assert krippendorff_alpha_nominal([]) is None
    # single unit with disagreement: n=2, alpha = 1 - (n-1) * 2 / 2 = 0
    assert krippendorff_alpha_nominal([[1, 2]]) == 0.0
    # perfect agreement, with missing coders
    assert krippendorff_alpha_nominal([[1, 1, None], [2, None, 2], [3, 3, 3]]) == 1.0
    # systematic disagreement is negative
    value = krippendorff_alpha_nominal([[1, 2], [2, 1], [1, 2], [2, 1]])
    assert value is not None and value < 0
    # NaN is treated as missing like None
    assert krippendorff_alpha_nominal([[1, float("nan")], [1, 1], [2, 2]]) == 1.0


# ---------------------------------------------------------------------------
# Cohen's kappa
# ---------------------------------------------------------------------------


def test_cohen_matches_sklearn_randomized():
    rng = random.Random(12345)
    defined = 0
    for _ in range(N_RANDOM):
        n = rng.randint(1, 30)
        cats = rng.randint(1, 4)
        p_missing = rng.choice([0.0, 0.2])
        a = [None if rng.random() < p_missing else rng.randint(1, cats) for _ in range(n)]
        b = [
            x if (x is not None and rng.random() < 0.5) else rng.randint(1, cats)
            for x in a
        ]
        if rng.random() < 0.2:
            b[rng.randrange(n)] = None
        ours = cohen_kappa(a, b)
        kept = [(x, y) for x, y in zip(a, b) if x is not None and y is not None]
        if not kept:
            assert ours is None
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = cohen_kappa_score([x for x, _ in kept], [y for _, y in kept])
        if math.isnan(ref):
            assert ours is None, (a, b)
        else:
            defined += 1
            assert ours is not None and abs(ours - ref) < 1e-9, (a, b, ours, ref)
    assert defined > N_RANDOM // 2


def test_cohen_textbook_and_degenerate():
    # 2x2 table a=20 (yes/yes), b=5, c=10, d=15: po=.7, pe=.5, kappa=.4
    a = ["y"] * 25 + ["n"] * 25
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4, abs=1e-12)
    assert cohen_kappa([1, 2, 3], [1, 2, 3]) == 1.0
    assert cohen_kappa([1, 2, 1, 2], [2, 1, 2, 1]) == -1.0
    assert cohen_kappa(["x", "x"], ["x", "x"]) is None  # pe == 1
    assert cohen_kappa([None, 1], [2, None]) is None  # nothing left
    assert cohen_kappa([], []) is None
    assert cohen_kappa([1], [2]) == 0.0  # po=0, pe=0
    with pytest.raises(ValueError):
        cohen_kappa([1, 2], [1])


# ---------------------------------------------------------------------------
# Fleiss' kappa
# ---------------------------------------------------------------------------


def _count_table(units: list[list[int]], cats: list[int]) -> np.ndarray:
    return np.array([[u.count(c) for c in cats] for u in units], dtype=float)


def test_fleiss_matches_statsmodels_randomized():
    rng = random.Random(99)
    defined = 0
    for _ in range(N_RANDOM):
        m = rng.randint(2, 7)
        n_units = rng.randint(1, 20)
        n_cats = rng.randint(1, 5)
        units = [[rng.randint(1, n_cats) for _ in range(m)] for _ in range(n_units)]
        if rng.random() < 0.3:  # some incomplete units, which must be dropped
            units.append([1] + [None] * (m - 1))
            units.append([None] * m)
        ours = fleiss_kappa(units)
        complete = [u for u in units if None not in u]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = sm_fleiss_kappa(_count_table(complete, list(range(1, n_cats + 1))), method="fleiss")
        if math.isnan(ref) or math.isinf(ref):
            assert ours is None, units
        else:
            defined += 1
            assert ours is not None and abs(ours - ref) < 1e-9, (units, ours, ref)
    assert defined > N_RANDOM // 2


def test_fleiss_wikipedia_example():
    # Wikipedia "Fleiss' kappa" worked example: 10 subjects, 14 raters, 5 categories.
    table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    units = [[c for c, k in enumerate(row) for _ in range(k)] for row in table]
    value = fleiss_kappa(units)
    assert round(value, 3) == 0.210
    assert value == pytest.approx(sm_fleiss_kappa(np.array(table, dtype=float)), abs=1e-12)


def test_fleiss_degenerate_cases():
    assert fleiss_kappa([[1, 1, 1], [1, 1, 1]]) is None  # one category
    assert fleiss_kappa([[None, 1], [2, None]]) is None  # nothing complete
    assert fleiss_kappa([]) is None
    assert fleiss_kappa([[1], [2]]) is None  # m < 2
    assert fleiss_kappa([[1, 1, 1], [2, 2, 2], [3, 3, None]]) == 1.0
    value = fleiss_kappa([[1, 2], [2, 1], [1, 2]])
    assert value is not None and value < 0
    with pytest.raises(ValueError):
        fleiss_kappa([[1, 2], [1, 2, 2]])


# ---------------------------------------------------------------------------
# Percent agreement
# ---------------------------------------------------------------------------


def test_percent_agreement():
    assert percent_agreement([[1, 1], [1, 2], [3, 3, None], [4, None]]) == pytest.approx(2 / 3)
    assert percent_agreement([[1, None], [None, None]]) is None
    assert percent_agreement([]) is None
    assert percent_agreement([["a", "a", "a"]]) == 1.0
    assert percent_agreement([["a", "b"]]) == 0.0


# ---------------------------------------------------------------------------
# Unitizing alpha
# ---------------------------------------------------------------------------


def test_unitizing_krippendorff_2004_example():
    # Krippendorff (2004, p. 254): continuum 150..450, two coders, category c.
    # Published: D_o = .0144, D_e = .0532, alpha_c = .7286; category k: alpha = 1.
    shift = 150
    c_i = [(225, 295), (370, 400)]
    c_j = [(220, 300), (355, 375), (400, 420)]
    spans = [[(s - shift, e - shift) for s, e in c] for c in (c_i, c_j)]
    d_o, d_e = unitizing_disagreements(spans, 300)
    assert float(d_o) == pytest.approx(0.0144, abs=1e-4)
    assert float(d_e) == pytest.approx(0.0532, abs=1e-4)
    assert unitizing_alpha(spans, 300) == pytest.approx(0.7286, abs=1e-4)

    k = [(30, 90), (150, 200)]
    d_o, d_e = unitizing_disagreements([k, k], 300)
    assert d_o == 0 and float(d_e) == pytest.approx(0.0490, abs=1e-4)
    assert unitizing_alpha([k, k], 300) == 1.0


KRIPP_1995 = {
    # Krippendorff (1995, p. 57) pairs of coders on a continuum of length 24.
    "A": ([(2, 10), (14, 20)], [(4, 8), (15, 17)]),
    "B": ([(0, 18)], [(0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 9), (9, 10)]),
    "C": ([(2, 8), (10, 12), (14, 18), (20, 22)], [(0, 2), (4, 8), (10, 14), (16, 18), (20, 22)]),
    "D": (
        [(0, 2), (2, 10), (10, 14), (14, 20), (20, 24)],
        [(0, 4), (4, 8), (8, 15), (15, 17), (17, 24)],
    ),
}


def test_unitizing_krippendorff_1995_observed_disagreement():
    expected = {"A": 0.03125, "B": 2.26736, "C": 0.02777, "D": 0.38715}
    for name, spans in KRIPP_1995.items():
        d_o, _ = unitizing_disagreements(list(spans), 24)
        assert float(d_o) == pytest.approx(expected[name], abs=1e-5), name
    # exact values
    assert unitizing_disagreements(list(KRIPP_1995["A"]), 24)[0] == Fraction(1, 32)
    assert unitizing_disagreements(list(KRIPP_1995["C"]), 24)[0] == Fraction(1, 36)


def test_unitizing_1995_example_c_half_scale():
    # Example C on a continuum of 12 (all positions halved): D_e = .05494, alpha = .494
    x, y = KRIPP_1995["C"]
    half = [[(s // 2, e // 2) for s, e in c] for c in (x, y)]
    d_o, d_e = unitizing_disagreements(half, 12)
    assert float(d_o) == pytest.approx(0.02777, abs=1e-5)
    assert float(d_e) == pytest.approx(0.05494, abs=1e-5)
    assert unitizing_alpha(half, 12) == pytest.approx(0.494, abs=1e-3)


def test_unitizing_1995_large_scale_expected_disagreement():
    # Stretched towards a true continuum, D_e approaches the 1995 values (A, D).
    s = 50_000
    for name, exp_de, exp_alpha in (("A", 0.06990, 0.553), ("D", 0.41445, 0.066)):
        spans = [[(a * s, b * s) for a, b in c] for c in KRIPP_1995[name]]
        _, d_e = unitizing_disagreements(spans, 24 * s)
        assert float(d_e) == pytest.approx(exp_de, abs=1e-4), name
        assert unitizing_alpha(spans, 24 * s) == pytest.approx(exp_alpha, abs=2e-3), name


def test_unitizing_small_examples():
    # r0: -11111111-   r1: --1-1-1---
    spans = [[(1, 9)], [(2, 3), (4, 5), (6, 7)]]
    d_o, d_e = unitizing_disagreements(spans, 10)
    assert d_o == Fraction(91, 100)
    assert float(d_e) == pytest.approx(0.5351, abs=1e-4)
    assert unitizing_alpha(spans, 10) == pytest.approx(-0.7003, abs=1e-4)
    # one unit by one of three coders: D_o == D_e exactly -> alpha 0
    assert unitizing_alpha([[(0, 1)], [], []], 20) == 0.0


def test_unitizing_degenerate_cases():
    assert unitizing_alpha([[], []], 20) is None  # nothing coded: D_e = 0
    assert unitizing_alpha([[(0, 5)]], 20) is None  # one coder
    assert unitizing_alpha([[], []], 0) is None  # empty text
    assert unitizing_alpha([[(3, 7), (10, 12)], [(3, 7), (10, 12)], [(3, 7), (10, 12)]], 20) == 1.0
    assert unitizing_alpha([[(0, 20)], [(0, 20)]], 20) == 1.0  # whole text, agreed
    # systematic disagreement: the coders mark complementary segments
    value = unitizing_alpha([[(0, 5), (10, 15)], [(5, 10), (15, 20)]], 20)
    assert value is not None and value < 0
    # zero-length spans ignored, overlapping spans of one coder merged
    assert unitizing_alpha([[(3, 7), (5, 5)], [(3, 5), (4, 7)]], 20) == 1.0
    with pytest.raises(ValueError):
        unitizing_alpha([[(5, 25)], []], 20)
    with pytest.raises(ValueError):
        unitizing_alpha([[(6, 5)], []], 20)
    with pytest.raises(ValueError):
        unitizing_alpha([[[(0, 1)]], [[], []]], [10, 10])  # coder 0 lacks text 2


def _random_spans(rng: random.Random, length: int) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    while pos < length:
        pos += rng.randint(0, 6)
        if pos >= length:
            break
        end = min(length, pos + rng.randint(1, 8))
        spans.append((pos, end))
        pos = end
    return spans


def test_unitizing_sweep_equals_all_pairs_and_invariances():
    rng = random.Random(4242)
    for _ in range(200):
        length = rng.randint(1, 40)
        m = rng.randint(2, 4)
        coders = [_random_spans(rng, length) for _ in range(m)]
        sections = [_sections(c, length) for c in coders]
        # sections partition the text
        for secs in sections:
            assert sum(l for _, l, _ in secs) == length
        # the sweep equals the brute-force sum over all section pairs
        for i in range(m):
            for j in range(m):
                if i != j:
                    brute = sum(_delta2(g, h) for g in sections[i] for h in sections[j])
                    assert _pair_sum(sections[i], sections[j]) == brute
        value = unitizing_alpha(coders, length)
        # coder order does not matter
        assert unitizing_alpha(coders[::-1], length) == value
        # one text given as a one-element list of texts is the same computation
        assert unitizing_alpha([[c] for c in coders], [length]) == value
        # identical coders agree perfectly (whenever alpha is defined)
        same = unitizing_alpha([coders[0]] * m, length)
        assert same in (None, 1.0)
        if value is not None:
            assert value <= 1.0


def test_unitizing_several_texts():
    t1 = [[(2, 8)], [(3, 8)]]
    t2 = [[(0, 4), (10, 12)], [(0, 4)]]
    spans = [[t1[c], t2[c]] for c in range(2)]
    d_o, d_e = unitizing_disagreements(spans, [10, 15])
    d_o1, _ = unitizing_disagreements(t1, 10)
    d_o2, _ = unitizing_disagreements(t2, 15)
    # observed disagreement: per-text sums pooled over the total length
    assert d_o == (d_o1 * 100 + d_o2 * 225) / 625
    value = unitizing_alpha(spans, [10, 15])
    assert value is not None and -1 < value < 1
    # a text nobody coded adds length and gaps but no disagreement
    more = unitizing_alpha([[*spans[0], []], [*spans[1], []]], [10, 15, 30])
    assert more is not None and more != value


def test_alpha_from_counts_equals_the_generic_computation():
    """The vectorised tally form gives exactly the coincidence-matrix result."""
    import random as _random
    from collections import Counter as _Counter

    from workbench.coding.agreement_stats import krippendorff_alpha_from_counts

    rng = _random.Random(7)
    for _ in range(200):
        cats = list(range(rng.randint(1, 4)))
        data = [[rng.choice(cats + [None]) for _c in range(rng.randint(1, 5))] for _u in range(rng.randint(1, 30))]
        tallies = [[_Counter(v for v in unit if v is not None)[c] for c in cats] for unit in data]
        a, b = krippendorff_alpha_nominal(data), krippendorff_alpha_from_counts(tallies)
        assert (a is None and b is None) or abs(a - b) < 1e-12
