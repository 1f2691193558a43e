"""Numeric claims in news reports: extraction, internal consistency, and checking against the maps.

``extract_claims(text, published=None)`` returns ``Claim`` objects (see
extract.py); ``consistency(claims)`` cross-checks them. Reading text (extract
and the modules it uses) and verdicts.py need no map store. check.py sets
claims against the maps through the analytics, and ledger.py keeps the results:
the layer may import frontwatch.analysis, frontwatch.geo, frontwatch.statuses
and frontwatch.notices, never the faces.
"""
from frontwatch.claims.consistency import consistency
from frontwatch.claims.extract import Claim, extract_claims

__all__ = ["Claim", "consistency", "extract_claims"]
