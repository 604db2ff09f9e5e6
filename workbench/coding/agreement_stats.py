"""Inter-coder agreement statistics: pure functions over numbers, no Qt, no database.

Why this module exists: the workbench reports how far coders agree, and those
figures end up in methods sections. So every coefficient here follows its
published formula and is tested against an independent reference
implementation (``krippendorff``, scikit-learn, statsmodels) and textbook
examples. It is deliberately *not* a port of QualCoder's agreement code (the
project found QualCoder's kappa to be wrong).

Conventions shared by all functions:

* Missing values are ``None`` (``float('nan')`` is also treated as missing).
* Values (categories) may be of any hashable type; only equality matters,
  i.e. everything here is *nominal*.
* An undefined coefficient is returned as ``None``, never as NaN and never as
  an exception: the result contract says "undefined values are null".
  Malformed input (ragged rows where a fixed shape is required, spans outside
  the text, ...) raises ``ValueError``.
* Arithmetic is done exactly (``fractions.Fraction`` / Python ints) and
  converted to ``float`` once at the end, so perfect agreement is exactly
  ``1.0`` and no rounding noise reaches the comparisons with zero.

References
----------
Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability.
    Annenberg School for Communication, University of Pennsylvania.
    https://repository.upenn.edu/asc_papers/43
Cohen, J. (1960). A coefficient of agreement for nominal scales.
    Educational and Psychological Measurement 20(1), 37-46.
Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
    Psychological Bulletin 76(5), 378-382.
Krippendorff, K. (1995). On the reliability of unitizing continuous data.
    Sociological Methodology 25, 47-76.
Krippendorff, K. (2004). Content Analysis: An Introduction to Its Methodology,
    2nd ed., Sage: the section on alpha for unitizing (worked example on
    p. 254). Later refinements (Krippendorff et al. 2016; Content Analysis
    4th ed., 2019) add further unitizing variants; the per-code binary
    u-alpha implemented here is the 1995/2004 one.
"""

from __future__ import annotations

import math
import numbers
from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Sequence
from fractions import Fraction
from itertools import accumulate

__all__ = [
    "krippendorff_alpha_nominal",
    "cohen_kappa",
    "fleiss_kappa",
    "percent_agreement",
    "unitizing_alpha",
    "unitizing_disagreements",
]


def _is_missing(value: object) -> bool:
    """None or a float NaN counts as 'not coded'."""
    if value is None:
        return True
    return isinstance(value, float) and math.isnan(value)


def _present(unit: Sequence[Hashable | None]) -> list[Hashable]:
    return [v for v in unit if not _is_missing(v)]


# ---------------------------------------------------------------------------
# Krippendorff's alpha, nominal
# ---------------------------------------------------------------------------


def krippendorff_alpha_nominal(
    data: Sequence[Sequence[Hashable | None]],
) -> float | None:
    """Krippendorff's alpha for nominal data (Krippendorff 2011, section C).

    ``data`` is a sequence of *units*; each unit is a sequence with one value
    per coder (``None`` = that coder did not code the unit). Rows may have
    different lengths. Works for any number of coders and missing data.

    Coincidence-matrix method: a unit with m_u >= 2 values contributes
    n_uc * (n_uk - [c == k]) / (m_u - 1) to cell o_ck; units with fewer than
    two values are unpairable and dropped. With n_c = sum_k o_ck and
    n = sum_c n_c the nominal alpha is

        alpha = ((n - 1) * sum_c o_cc - sum_c n_c (n_c - 1))
                / (n (n - 1) - sum_c n_c (n_c - 1))

    Returns ``None`` when alpha is undefined:

    * no pairable values at all (n == 0), or
    * only one category occurs among the pairable values, so the expected
      disagreement D_e is 0 and alpha = 1 - D_o/D_e is 0/0.

    In the latter case the ``krippendorff`` package (0.9) raises
    ``ValueError`` ("more than one value in the domain") or returns NaN
    (when the other category appears only in unpairable units); Krippendorff
    (2011) calls such data uninformative about reliability. We return
    ``None`` for both, per the "undefined is null" contract - not 1.0, even
    though the coders never disagreed.
    """
    category_totals: Counter[Hashable] = Counter()  # n_c
    # sum_c o_cc, kept as exact integer sums per unit size m_u and divided once per size:
    # the same exact value as adding a Fraction per unit, at a fraction of the cost
    same_pairs_by_m: Counter[int] = Counter()
    for unit in data:
        values = _present(unit)
        m_u = len(values)
        if m_u < 2:
            continue
        if m_u == 2:  # the common case of two coders, without building a Counter
            a, b = values
            category_totals[a] += 1
            category_totals[b] += 1
            if a == b:
                same_pairs_by_m[2] += 2
            continue
        counts = Counter(values)
        category_totals.update(counts)
        same_pairs_by_m[m_u] += sum(k * (k - 1) for k in counts.values())
    diagonal = sum((Fraction(v, m - 1) for m, v in same_pairs_by_m.items()), Fraction(0))

    n = sum(category_totals.values())
    sum_nc = sum(k * (k - 1) for k in category_totals.values())
    denominator = n * (n - 1) - sum_nc
    if n == 0 or denominator == 0:
        return None
    return float(((n - 1) * diagonal - sum_nc) / denominator)


def krippendorff_alpha_from_counts(counts) -> float | None:
    """Nominal alpha from per-unit category tallies (units × categories, integers).

    The same exact computation as ``krippendorff_alpha_nominal``, for data already counted
    (e.g. "how many coders applied code X to each answer"), vectorised so that tens of
    thousands of units take milliseconds. Units with fewer than two values are dropped.
    """
    import numpy as np

    c = np.asarray(counts, dtype=np.int64)
    if c.ndim != 2 or c.size == 0:
        return None
    m = c.sum(axis=1)
    keep = m >= 2
    c, m = c[keep], m[keep]
    if not len(m):
        return None
    totals = c.sum(axis=0)
    same = (c * (c - 1)).sum(axis=1)
    diagonal = sum((Fraction(int(same[m == k].sum()), int(k) - 1) for k in np.unique(m)), Fraction(0))
    n = int(totals.sum())
    sum_nc = int((totals * (totals - 1)).sum())
    denominator = n * (n - 1) - sum_nc
    if n == 0 or denominator == 0:
        return None
    return float(((n - 1) * diagonal - sum_nc) / denominator)


# ---------------------------------------------------------------------------
# Cohen's kappa
# ---------------------------------------------------------------------------


def cohen_kappa(
    a: Sequence[Hashable | None], b: Sequence[Hashable | None]
) -> float | None:
    """Cohen's (1960) kappa for exactly two coders over the same units.

    ``a[i]`` and ``b[i]`` are the two coders' values for unit i; units where
    either value is missing are dropped (listwise). Then

        p_o = share of units with a[i] == b[i]
        p_e = sum_c p_a(c) * p_b(c)      (each coder's own marginals)
        kappa = (p_o - p_e) / (1 - p_e)

    Returns ``None`` when no unit remains or p_e == 1 (both coders used one
    and the same category for every unit: 0/0). Matches
    ``sklearn.metrics.cohen_kappa_score`` on the retained units.
    """
    if len(a) != len(b):
        raise ValueError(f"cohen_kappa needs equal-length sequences, got {len(a)} and {len(b)}")
    pairs = [(x, y) for x, y in zip(a, b) if not _is_missing(x) and not _is_missing(y)]
    n = len(pairs)
    if n == 0:
        return None
    agree = sum(1 for x, y in pairs if x == y)
    count_a = Counter(x for x, _ in pairs)
    count_b = Counter(y for _, y in pairs)
    p_o = Fraction(agree, n)
    p_e = Fraction(sum(count_a[c] * count_b[c] for c in count_a), n * n)
    if p_e == 1:
        return None
    return float((p_o - p_e) / (1 - p_e))


# ---------------------------------------------------------------------------
# Fleiss' kappa
# ---------------------------------------------------------------------------


def fleiss_kappa(data: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Fleiss' (1971) kappa for m >= 2 coders per unit.

    ``data`` is a sequence of units, each a sequence of the m coders' values.
    Fleiss' formula requires every unit to be rated by the same number of
    coders, so units containing a missing value are dropped; the remaining
    units must all have the same length m, else ``ValueError``. (Fleiss'
    raters need not be the same people per unit; only the count matters.)

    With n_ij = number of coders putting unit i in category j, N units:

        P_i   = (sum_j n_ij^2 - m) / (m (m - 1))
        P_bar = mean_i P_i
        p_j   = sum_i n_ij / (N m)
        P_e   = sum_j p_j^2
        kappa = (P_bar - P_e) / (1 - P_e)

    Returns ``None`` when no complete unit remains, m < 2, or P_e == 1 (one
    category used throughout: 0/0). Matches
    ``statsmodels.stats.inter_rater.fleiss_kappa(method='fleiss')``.
    """
    units = [list(u) for u in data if not any(_is_missing(v) for v in u)]
    if not units:
        return None
    m = len(units[0])
    if any(len(u) != m for u in units):
        raise ValueError("fleiss_kappa needs the same number of coders for every complete unit")
    if m < 2:
        return None
    n_units = len(units)
    totals: Counter[Hashable] = Counter()
    sum_squares = 0
    for unit in units:
        counts = Counter(unit)
        totals.update(counts)
        sum_squares += sum(k * k for k in counts.values())
    p_bar = Fraction(sum_squares - n_units * m, n_units * m * (m - 1))
    p_e = Fraction(sum(t * t for t in totals.values()), (n_units * m) ** 2)
    if p_e == 1:
        return None
    return float((p_bar - p_e) / (1 - p_e))


# ---------------------------------------------------------------------------
# Percent agreement
# ---------------------------------------------------------------------------


def percent_agreement(data: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Share (0..1) of units on which all coders who coded the unit agree.

    Only units with at least two non-missing values count (agreement needs
    two opinions). Not chance-corrected: reported next to alpha/kappa for
    readability, never instead of them. ``None`` if no unit has two values.
    """
    considered = 0
    agreed = 0
    for unit in data:
        values = _present(unit)
        if len(values) < 2:
            continue
        considered += 1
        first = values[0]
        if all(v == first for v in values[1:]):
            agreed += 1
    if considered == 0:
        return None
    return agreed / considered


# ---------------------------------------------------------------------------
# Krippendorff's alpha for unitizing (u-alpha, binary: coded / not coded)
# ---------------------------------------------------------------------------

Span = tuple[int, int]
# One section of a coder's partition of a text: (begin, length, is_coded).
_Section = tuple[int, int, bool]


def _sections(spans: Sequence[Span], length: int) -> list[_Section]:
    """Partition [0, length) into the coder's units and the gaps between them.

    Overlapping spans of the same coder are merged (u-alpha requires a
    coder's units of one category not to overlap); spans that merely touch
    stay separate units, as in Krippendorff's (1995) examples where a coder
    marks adjacent units. Zero-length spans are ignored.
    """
    cleaned: list[tuple[int, int]] = []
    for span in spans:
        start, end = int(span[0]), int(span[1])
        if start > end or start < 0 or end > length:
            raise ValueError(f"span {span!r} is not a valid span of a text of length {length}")
        if start < end:
            cleaned.append((start, end))
    cleaned.sort()
    merged: list[list[int]] = []
    for start, end in cleaned:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])

    sections: list[_Section] = []
    pos = 0
    for start, end in merged:
        if start > pos:
            sections.append((pos, start - pos, False))
        sections.append((start, end - start, True))
        pos = end
    if pos < length:
        sections.append((pos, length - pos, False))
    return sections


def _delta2(s: _Section, t: _Section) -> int:
    """Squared difference between two sections of different coders.

    Krippendorff (1995; 2004): for two overlapping units the squared
    offsets of their begins and ends; a unit lying entirely inside the other
    coder's gap counts its squared length; everything else (gap vs gap,
    partly overlapping unit vs gap, disjoint sections) is 0.
    """
    b1, l1, coded1 = s
    b2, l2, coded2 = t
    if coded1 and coded2:
        if b1 < b2 + l2 and b2 < b1 + l1:  # overlap of positive length
            return (b1 - b2) ** 2 + ((b1 + l1) - (b2 + l2)) ** 2
        return 0
    if coded1 and not coded2:
        return l1 * l1 if b2 <= b1 and b1 + l1 <= b2 + l2 else 0
    if coded2 and not coded1:
        return l2 * l2 if b1 <= b2 and b2 + l2 <= b1 + l1 else 0
    return 0


def _pair_sum(first: list[_Section], second: list[_Section]) -> int:
    """sum_g sum_h delta^2(g, h) over two coders' partitions of one text.

    Both lists partition the same interval in order, so only sections that
    overlap can have a non-zero delta (containment implies overlap); a merge
    sweep visits each overlapping pair exactly once.
    """
    total = 0
    i = j = 0
    while i < len(first) and j < len(second):
        total += _delta2(first[i], second[j])
        end_i = first[i][0] + first[i][1]
        end_j = second[j][0] + second[j][1]
        if end_i <= end_j:
            i += 1
        if end_j <= end_i:
            j += 1
    return total


def _normalise_unitizing_input(
    spans_by_coder: Sequence, length: int | Sequence[int]
) -> tuple[list[int], list[list[Sequence[Span]]]]:
    if isinstance(length, numbers.Integral):
        lengths = [int(length)]
        per_coder = [[list(coder_spans)] for coder_spans in spans_by_coder]
    else:
        lengths = [int(x) for x in length]
        per_coder = [list(coder_texts) for coder_texts in spans_by_coder]
    for lt in lengths:
        if lt < 0:
            raise ValueError(f"text length must be >= 0, got {lt}")
    for c, texts in enumerate(per_coder):
        if len(texts) != len(lengths):
            raise ValueError(
                f"coder {c} has spans for {len(texts)} texts, but {len(lengths)} text lengths were given"
            )
    return lengths, per_coder


def unitizing_disagreements(
    spans_by_coder: Sequence, length: int | Sequence[int]
) -> tuple[Fraction, Fraction] | None:
    """Observed and expected disagreement (D_o, D_e) of the unitizing alpha.

    Same input as :func:`unitizing_alpha`. Returned as exact fractions so
    tests can check them against published intermediate values. ``None``
    when there are fewer than two coders or the total length is 0.

    With m coders, total continuum length L, coder i's sections g (begin b,
    length l, w = 1 for a coded unit, 0 for a gap), and N_c the number of
    units over all coders (Krippendorff 2004):

        D_o = sum_{i != j} sum_g sum_h delta^2(ig, jh) / (m (m-1) L^2)

        D_e = (2/L) * sum_{units ig} [ (N_c - 1)/3 * (2 l^3 - 3 l^2 + l)
                                       + l^2 * sum_{gaps jh, l_jh >= l} (l_jh - l + 1) ]
              / ( mL (mL - 1) - sum_{units ig} l (l - 1) )

    Several texts: each text is partitioned separately (a unit or gap never
    runs across a text boundary), observed disagreements are summed over
    texts, and the expected disagreement pools all sections, L being the
    summed length. For a single text this is exactly Krippendorff's formula;
    for several it equals laying the texts end to end with a forced section
    boundary between them.
    """
    lengths, per_coder = _normalise_unitizing_input(spans_by_coder, length)
    m = len(per_coder)
    total_length = sum(lengths)
    if m < 2 or total_length == 0:
        return None

    # sections[c][t] = coder c's partition of text t
    sections = [
        [_sections(per_coder[c][t], lengths[t]) for t in range(len(lengths))] for c in range(m)
    ]

    observed = 0
    for c1 in range(m):
        for c2 in range(c1 + 1, m):
            for t in range(len(lengths)):
                observed += _pair_sum(sections[c1][t], sections[c2][t])
    observed *= 2  # the formula sums over ordered pairs i != j; delta is symmetric
    d_o = Fraction(observed, m * (m - 1) * total_length**2)

    unit_lengths: list[int] = []
    gap_lengths: list[int] = []
    for coder_sections in sections:
        for text_sections in coder_sections:
            for _begin, sec_len, coded in text_sections:
                (unit_lengths if coded else gap_lengths).append(sec_len)

    n_c = len(unit_lengths)
    gap_lengths.sort()
    # suffix sums so that sum over gaps g >= l of (g - l + 1) is O(log n)
    suffix_len = list(accumulate(reversed(gap_lengths)))[::-1] + [0]
    numerator = 0
    for ul in unit_lengths:
        # (2l^3 - 3l^2 + l) = l(l-1)(2l-1) is divisible by 6, so /3 is exact
        numerator += (n_c - 1) * (ul * (ul - 1) * (2 * ul - 1) // 3)
        k = bisect_left(gap_lengths, ul)
        count = len(gap_lengths) - k
        numerator += ul * ul * (suffix_len[k] - count * (ul - 1))
    denominator = m * total_length * (m * total_length - 1) - sum(
        ul * (ul - 1) for ul in unit_lengths
    )
    d_e = Fraction(2 * numerator, total_length * denominator)
    return d_o, d_e


def unitizing_alpha(spans_by_coder: Sequence, length: int | Sequence[int]) -> float | None:
    """Krippendorff's alpha for unitizing, u-alpha_c, for ONE code.

    This is the real unitizing coefficient of Krippendorff (1995), in the
    corrected form of Krippendorff (2004, Content Analysis 2nd ed.) - the
    binary case "coded with this code / not coded" - and NOT the
    character-level approximation (treating each character as a unit with
    value 1/0 per coder), which ignores how units are delimited. It compares
    whole segments: two overlapping units disagree by the squared offsets of
    their begins and ends, and a unit that the other coder left entirely
    uncoded disagrees by its squared length. See
    :func:`unitizing_disagreements` for the formulas.

    Input:

    * one text: ``length`` is an int and ``spans_by_coder[c]`` is coder c's
      list of ``(start, end)`` spans (end exclusive) in that text;
    * several texts: ``length`` is a sequence of text lengths and
      ``spans_by_coder[c][t]`` is coder c's list of spans in text t.

    Every coder is assumed to have read every given text in full (u-alpha
    has no notion of a missing coder: a coder with no spans in a text says
    "nothing here"). Restrict the input to texts that all coders finished.
    Overlapping spans of one coder are merged; touching spans stay separate
    units; zero-length spans are ignored; out-of-range spans raise
    ``ValueError``.

    Returns ``None`` when undefined: fewer than two coders, total length 0,
    or D_e == 0 (no coder coded anything, so there is nothing to judge).
    A single unit coded by just one coder yields exactly 0.0 (D_o == D_e).
    """
    result = unitizing_disagreements(spans_by_coder, length)
    if result is None:
        return None
    d_o, d_e = result
    if d_e == 0:
        return None
    return float(1 - d_o / d_e)
