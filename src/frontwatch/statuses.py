"""The status vocabulary shared by every layer, face and output.

``occupied``              held by Russia since 24 Feb 2022
``occupied_before_2022``  Crimea and the parts of Donetsk and Luhansk held before 24 Feb 2022
``ukraine_held``          DeepStateMap's "liberated" (in Russia: held by Ukraine)
``contested``             grey zone / unknown status

A *side* is a union of statuses. Ground covered by no layer is held by the country
it lies in (see :mod:`frontwatch.analysis.measure`). This module imports nothing from frontwatch.
"""

OCCUPIED = "occupied"
OCCUPIED_BEFORE_2022 = "occupied_before_2022"
UKRAINE_HELD = "ukraine_held"
CONTESTED = "contested"

STATUSES = (OCCUPIED, OCCUPIED_BEFORE_2022, UKRAINE_HELD, CONTESTED)

RUSSIA = "russia"
UKRAINE = "ukraine"
SIDES = {
    RUSSIA: (OCCUPIED, OCCUPIED_BEFORE_2022),
    UKRAINE: (UKRAINE_HELD,),
}


def mixes_sides(statuses) -> bool:
    """True when ``statuses`` hold statuses of both sides (``occupied`` with ``ukraine_held``):
    their combined area adds one side's ground to the other's and means nothing, so peaks,
    changes and chart totals refuse it. ``contested`` belongs to neither side and mixes with
    either ("held by Ukraine, with the grey zone")."""
    chosen = set(statuses)
    return all(chosen & set(members) for members in SIDES.values())


# Country whose unmapped ground counts for each side.
SIDE_COUNTRY = {RUSSIA: "RUS", UKRAINE: "UKR"}

# Fill colours DeepStateMap uses for each status (a cross-check on the layer name).
FILL_STATUS = {
    "#a52714": OCCUPIED,
    "#880e4f": OCCUPIED_BEFORE_2022,
    "#000000": OCCUPIED_BEFORE_2022,
    "#0f9d58": UKRAINE_HELD,
    "#0288d1": UKRAINE_HELD,
    "#01579b": UKRAINE_HELD,
    "#bcaaa4": CONTESTED,
    "#bdbdbd": CONTESTED,
}


def parse_statuses(text):
    """Parse ``"ukraine_held,contested"`` (or ``all``, or a side name) into a tuple of statuses.

    Raises ValueError naming the unknown word and the known ones.
    """
    if text is None or text == "" or text == "all":
        return STATUSES
    out = []
    for word in str(text).split(","):
        word = word.strip().lower()
        if not word:
            continue
        if word in SIDES:
            out.extend(s for s in SIDES[word] if s not in out)
        elif word in STATUSES:
            if word not in out:
                out.append(word)
        else:
            raise ValueError(
                f"unknown status {word!r}; known: {', '.join(STATUSES)} (or a side: {', '.join(SIDES)})"
            )
    return tuple(out)
