"""Numeric claims in news reports: extraction and internal consistency.

``extract_claims(text, published=None)`` returns ``Claim`` objects (see
extract.py); ``consistency(claims)`` cross-checks them. The package may import
only the standard library, pint, dateutil and frontwatch.claims.* so that it
stays usable without the map store.
"""
from frontwatch.claims.consistency import consistency
from frontwatch.claims.extract import Claim, extract_claims

__all__ = ["Claim", "consistency", "extract_claims"]
