"""Temporal-expression recognisers measured on the real passages of ../shared/data/claims/dev.jsonl.

For every labelled claim the maps can check whose label names a period (a start date) or an
as-of day other than the publication day, takes the sentence that holds the claim's surface
and asks each recogniser for the time expressions in it, resolved against the publication
day. A recogniser scores a claim when one of its expressions gives exactly the labelled
period (start and last day) or, for a state, the labelled day. This is the recogniser's
recall of the right interval, before any rule decides which expression belongs to which
number: an upper bound of what a frame builder can do with it.

Candidates: frontwatch's own (``frontwatch.claims.dates.date_mentions``), Duckling
(``pyduckling-native-phihos``), Microsoft Recognizers-Text date-time
(``recognizers-text-date-time``, needs ``emoji<1``), dateparser (``search_dates``). Duckling
and Recognizers resolve a bare month or weekday to the future by default; news reports
mean the past, so a value after the publication day is moved back one year (month,
season, year grains) or one week (day grain) before scoring, which is what a user of them
would have to do.

``python bench/claims_time_libs.py [--dev FILE]`` prints one line per candidate: claims right,
claims asked, and the time per sentence; "ours, else X" uses library X only for a sentence in
which frontwatch's normaliser reads no time expression (a fallback). Candidates that are not
installed are skipped.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from frontwatch.claims import dates as dates_mod  # noqa: E402
from frontwatch.claims.text import split_sentences  # noqa: E402

DEV = Path(os.environ.get("FRONTWATCH_SHARED", ROOT.parent / "shared")) / "data" / "claims" / "dev.jsonl"


def held_out(passage_id: str) -> bool:
    """The held-out third of the development set (as bench/claims_eval.py splits it)."""
    return int(hashlib.sha1(passage_id.encode()).hexdigest(), 16) % 3 == 0


def cases(path: Path = DEV):
    for line in open(path, encoding="utf-8"):
        p = json.loads(line)
        pub = dt.date.fromisoformat(p["published"])
        sents = split_sentences(p["text"])
        for c in p["claims"]:
            if not c["checkable_on_control_maps"]:
                continue
            start = c["start_date"] and dt.date.fromisoformat(c["start_date"])
            date = c["date"] and dt.date.fromisoformat(c["date"])
            if start is None and (date is None or date == pub):
                continue
            i = p["text"].lower().find((c["surface"] or "").lower())
            sent = next((s.text for s in sents if i >= 0 and s.start <= i < s.start + len(s.text)), p["text"])
            yield p["id"], sent, pub, start, date


def _ok(found: list[tuple[dt.date | None, dt.date | None]], start, date) -> bool:
    for a, b in found:
        if start is not None and a == start and b == date:
            return True
        if start is None and (b == date or (a == date and b is None)):
            return True
    return False


def own(sent: str, pub: dt.date):
    return [(d.start_date, d.date) for d in dates_mod.date_mentions(sent, pub)]


def _shift_past(day: dt.date, grain: str | None, pub: dt.date) -> dt.date:
    while day > pub:
        if grain in ("day", "week", "hour", "minute"):
            day -= dt.timedelta(days=7)
        else:
            day = day.replace(year=day.year - 1)
    return day


def duckling_runner():
    import duckling  # noqa: F401
    from duckling import Context, default_locale_lang, init, load_time_zones, parse, parse_dimensions, parse_lang, parse_ref_time
    init()
    tz = load_time_zones("/usr/share/zoneinfo")
    locale = default_locale_lang(parse_lang("EN"))
    dims = parse_dimensions(["time"])

    def run(sent: str, pub: dt.date):
        ref = parse_ref_time(tz, "UTC", int(dt.datetime(pub.year, pub.month, pub.day, 12).timestamp()))
        out = []
        for o in parse(sent, Context(ref, locale), dims, False):
            v = o["value"]
            if v.get("type") == "interval":
                a = v.get("from") and dt.date.fromisoformat(v["from"]["value"][:10])
                b = v.get("to") and dt.date.fromisoformat(v["to"]["value"][:10]) - dt.timedelta(days=1)
                if a:
                    a2 = _shift_past(a, v["from"].get("grain"), pub)
                    b = b and b - (a - a2)
                    a = a2
                out.append((a, b or pub))
            elif v.get("value"):
                a = _shift_past(dt.date.fromisoformat(v["value"][:10]), v.get("grain"), pub)
                g = v.get("grain")
                if g == "month":
                    b = (a.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
                elif g == "year":
                    b = a.replace(month=12, day=31)
                elif g == "week":
                    b = a + dt.timedelta(days=6)
                else:
                    b = a
                out.append((a, min(b, pub)))
                out.append((None, a))
        return out
    return run


def recognizers_runner():
    from recognizers_date_time import Culture, recognize_datetime

    def run(sent: str, pub: dt.date):
        out = []
        for r in recognize_datetime(sent, Culture.English, reference=dt.datetime(pub.year, pub.month, pub.day, 12)):
            for v in (r.resolution or {}).get("values", [])[:2]:
                if v.get("start"):
                    a = dt.date.fromisoformat(v["start"][:10])
                    b = dt.date.fromisoformat(v["end"][:10]) - dt.timedelta(days=1) if v.get("end") else pub
                    if a <= pub:
                        out.append((a, min(b, pub)))
                elif v.get("value") and re.match(r"\d{4}-\d\d-\d\d", v["value"]):
                    a = dt.date.fromisoformat(v["value"][:10])
                    if a <= pub:
                        out.append((None, a))
        return out
    return run


def dateparser_runner():
    from dateparser.search import search_dates

    def run(sent: str, pub: dt.date):
        found = search_dates(sent, languages=["en"], settings={
            "RELATIVE_BASE": dt.datetime(pub.year, pub.month, pub.day, 12), "PREFER_DATES_FROM": "past"}) or []
        return [(None, d.date()) for _, d in found] + [(d.date(), pub) for _, d in found]
    return run


def fallback(make):
    """frontwatch's own normaliser, and a library's expressions only for a sentence where ours
    reads none: what the library would add as a fallback."""
    def build():
        lib = make()

        def run(sent: str, pub: dt.date):
            return own(sent, pub) or lib(sent, pub)
        return run
    return build


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, default=DEV, help="a labelled set (default: the shared development set)")
    args = ap.parse_args(argv)
    rows = list(cases(args.dev))
    candidates = [("frontwatch dates", lambda: own), ("duckling", duckling_runner),
                  ("recognizers-text", recognizers_runner), ("dateparser", dateparser_runner),
                  ("ours, else duckling", fallback(duckling_runner)), ("ours, else dateparser", fallback(dateparser_runner))]
    print(f"{len(rows)} labelled claims with a period or a past day "
          f"({sum(not held_out(r[0]) for r in rows)} development, {sum(held_out(r[0]) for r in rows)} held out)")
    for name, make in candidates:
        try:
            run = make()
        except Exception as e:  # not installed or not importable
            print(f"{name:<22} skipped ({type(e).__name__}: {str(e)[:60]})")
            continue
        right = {False: 0, True: 0}
        t0 = time.perf_counter()
        for pid, sent, pub, start, date in rows:
            try:
                found = run(sent, pub)
            except Exception:
                found = []
            right[held_out(pid)] += _ok(found, start, date)
        per = (time.perf_counter() - t0) / max(1, len(rows)) * 1000
        n_dev = sum(not held_out(r[0]) for r in rows)
        print(f"{name:<22} right {right[False] + right[True]:3d}/{len(rows)}  "
              f"(development {right[False]}/{n_dev}, held out {right[True]}/{len(rows) - n_dev})  {per:6.1f} ms/sentence")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
