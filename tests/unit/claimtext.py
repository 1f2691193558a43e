"""What the claims unit tests share: extracting the claims of a sentence written for one rule,
with the pipeline's warnings silenced (the tests assert on the claims, not on the warnings)."""
from __future__ import annotations

import datetime as dt
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from frontwatch.claims import extract_claims  # noqa: E402

D = dt.date


def claims(text: str, published: dt.date = D(2024, 11, 25)):
    """The claims ``extract_claims`` finds in ``text`` published on ``published``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return extract_claims(text, published=published)


def only_claim(text: str, published: dt.date = D(2024, 11, 25)):
    """The one claim ``extract_claims`` finds in ``text`` (a test fails if it finds none or several)."""
    (claim,) = claims(text, published)
    return claim
