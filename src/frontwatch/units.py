"""Units of frontwatch's outputs (km2 with square miles beside). No dependencies: a query whose
figures the store holds already formats them without loading the geometry libraries.
May import: nothing.
"""
from __future__ import annotations

KM2_PER_SQMI = 2.589988110336  # exact by definition (1 mi = 1609.344 m); used only to label outputs
_SQMI_PER_KM2 = 1 / KM2_PER_SQMI


def km2_to_sqmi(km2):
    """Square kilometres to square miles (international mile)."""
    return km2 * _SQMI_PER_KM2
