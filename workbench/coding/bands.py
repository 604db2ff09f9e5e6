"""Score bands of survey.md: 1–2 negativ, 3 neutral, 4–5 positiv, 9 ved_ikke, blank missing."""
from __future__ import annotations

from typing import Optional

BANDS = ("negativ", "neutral", "positiv", "ved_ikke")
BAND_LABELS = {"negativ": "Negativ", "neutral": "Neutral", "positiv": "Positiv", "ved_ikke": "Ved ikke"}
VALID_SCORES = (1, 2, 3, 4, 5, 9)
_BAND_OF = {1: "negativ", 2: "negativ", 3: "neutral", 4: "positiv", 5: "positiv", 9: "ved_ikke"}


def band_of(score: Optional[int]) -> Optional[str]:
    """The band of a score, or None for a missing score (which is in no band)."""
    if score is None:
        return None
    try:
        return _BAND_OF[int(score)]
    except (KeyError, ValueError):
        raise ValueError(f"score {score!r} is not one of 1–5 or 9") from None


def prompt_side(score: Optional[int]) -> str:
    """Which follow-up prompt the respondent saw: 'negative' for 1–2, 'positive' for 3–5."""
    return "negative" if score in (1, 2) else "positive"
