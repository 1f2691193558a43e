"""Prototype (issue 27): a dissolve that redoes only the CHANGED part of a group between
consecutive maps, against the current dissolve of the whole group, over the shared archive.

The 239 maps are read in time order in one process by the DeepStateMap reader, exactly as the
ingest reads them; every group the reader dissolves (a group of a layer's features whose boxes
overlap, not seen before) is recorded. For each such group, the group of an earlier map that
shares the most of its parts is its ancestor; what differs is ``removed`` (ancestor's parts
gone) and ``added`` (new parts). Three ways to make the new union are timed on the same group:

- ``full``: the current dissolve (``base._dissolve``: GEOS's zero buffer of the parts) and its
  validity check, as ``base._union_groups`` does;
- ``window``: only the window W (the box of the removed and added parts) is dissolved again: the
  ancestor's union outside W (``difference`` with the box) joined (``union``) with the new parts
  cut to W (``clip_by_rect``) dissolved;
- ``add``: when nothing was removed, the ancestor's union joined with the added parts
  (``union``), no window.

Equality is checked against ``full``: the same WKB (bytes), topologically equal
(``equals``), and the relative area difference. What is timed is each thread's CPU
(``time.thread_time``), GEOS calls only (what the two ways differ in), one run each.

    python bench/incremental_dissolve.py [--maps N]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import shapely

from frontwatch.sources import base, deepstate

HISTORY = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "deepstate" / "history"


def record_groups(files):
    """Read ``files`` in order; return the dissolved groups: [(map index, gkey, parts, ids)]."""
    seen = []
    original = base._union_groups

    def spy(parts, ids, delta, extent):
        if len(parts) > 1:
            for idx in base._groups(parts):
                if len(idx) > 1:
                    gkey = (extent, tuple(ids[k] for k in idx))
                    if gkey not in base._GROUPS:
                        seen.append((spy.map, gkey, parts[idx], [ids[k] for k in idx]))
        return original(parts, ids, delta, extent)

    base._union_groups = spy
    try:
        for n, f in enumerate(files):
            spy.map = n
            deepstate.read(f, f.read_bytes())
    finally:
        base._union_groups = original
    return seen


def full_dissolve(parts):
    u = base._dissolve(parts)
    if not u.is_valid:
        u = shapely.make_valid(u)
    return u


def cpu(fn, *a):
    t = time.thread_time()
    out = fn(*a)
    return out, time.thread_time() - t


def window_dissolve(prev_union, parts, changed_boxes):
    """The ancestor's union outside the window, joined with the new parts inside it."""
    b = np.asarray(changed_boxes)
    w = (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())
    eps = 1e-9
    w = (w[0] - eps, w[1] - eps, w[2] + eps, w[3] + eps)
    box = shapely.box(*w)
    outside = shapely.difference(prev_union, box)
    pb = shapely.bounds(parts)
    near = parts[~((pb[:, 2] < w[0]) | (pb[:, 0] > w[2]) | (pb[:, 3] < w[1]) | (pb[:, 1] > w[3]))]
    inside = shapely.clip_by_rect(near, *w)
    inside = inside[~shapely.is_empty(inside)]
    inside = base.polygonal(shapely.make_valid(inside)) if inside.size else inside
    if inside.size:
        u = shapely.union(outside, base._dissolve(inside))
    else:
        u = outside
    if not u.is_valid:
        u = shapely.make_valid(u)
    return u


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--maps", type=int, default=0, help="only the first N maps (default all)")
    args = ap.parse_args(argv)
    files = sorted(HISTORY.glob("*.geojson"), key=lambda p: int(p.name.split(".")[0]))
    if args.maps:
        files = files[:args.maps]
    t0 = time.process_time()
    groups = record_groups(files)
    read_cpu = time.process_time() - t0
    print(f"{len(files)} maps read in {read_cpu:.2f} s of CPU; {len(groups)} groups dissolved")

    unions: dict = {}  # gkey -> union (the current dissolve's)
    owner: dict = {}  # part id -> latest gkey holding it
    rows = []
    for n, gkey, parts, ids in groups:
        full, t_full = cpu(full_dissolve, parts)
        counts: dict = {}
        for i in ids:
            g = owner.get(i)
            if g is not None:
                counts[g] = counts.get(g, 0) + 1
        row = {"map": n, "parts": len(ids), "verts": int(shapely.get_num_coordinates(parts).sum()),
               "out_verts": int(shapely.get_num_coordinates(full)), "t_full": t_full}
        if counts:
            anc = max(counts, key=counts.get)
            a_ids = set(anc[1])
            new_ids = set(ids)
            removed = [k for k, i in enumerate(anc[1]) if i not in new_ids]
            added = [k for k, i in enumerate(ids) if i not in a_ids]
            row.update(shared=counts[anc], removed=len(removed), added=len(added))
            prev = unions[anc]
            # The parts' boxes: removed ones from the ancestor's record, added ones from this group.
            boxes = [shapely.bounds(parts[k]) for k in added] + [shapely.bounds(anc_parts[anc][k]) for k in removed]
            if boxes:
                inc, t_inc = cpu(window_dissolve, prev, parts, boxes)
                row.update(t_window=t_inc, same_bytes=shapely.to_wkb(inc) == shapely.to_wkb(full),
                           equal=bool(shapely.equals(inc, full)),
                           rel_area=abs(inc.area - full.area) / max(full.area, 1e-30),
                           sym_area=float(shapely.area(shapely.symmetric_difference(inc, full))) / max(full.area, 1e-30),
                           inc_verts=int(shapely.get_num_coordinates(inc)))
                if not removed:
                    add_u, t_add = cpu(lambda: shapely.union(prev, base._dissolve(parts[added])) if len(added) > 1
                                       else shapely.union(prev, parts[added[0]]))
                    row.update(t_add=t_add, add_same_bytes=shapely.to_wkb(add_u) == shapely.to_wkb(full))
        rows.append(row)
        unions[gkey] = full
        anc_parts[gkey] = parts
        for i in ids:
            owner[i] = gkey

    def tot(key, sel=lambda r: True):
        return sum(r[key] for r in rows if key in r and sel(r))

    with_anc = [r for r in rows if "t_window" in r]
    print(f"current dissolve of every changed group: {tot('t_full'):.3f} s of CPU "
          f"({len(rows)} groups, {sum(r['verts'] for r in rows):,} input vertices -> {sum(r['out_verts'] for r in rows):,})")
    print(f"groups with an ancestor and a window: {len(with_anc)}; current {tot('t_full', lambda r: 't_window' in r):.3f} s, "
          f"window {tot('t_window'):.3f} s")
    adds = [r for r in rows if "t_add" in r]
    print(f"of them with nothing removed: {len(adds)}; current {sum(r['t_full'] for r in adds):.3f} s, "
          f"ancestor + added {tot('t_add'):.3f} s; same bytes {sum(r['add_same_bytes'] for r in adds)}")
    if with_anc:
        same = sum(r["same_bytes"] for r in with_anc)
        eq = sum(r["equal"] for r in with_anc)
        print(f"window: same bytes as the current dissolve {same} of {len(with_anc)}, topologically equal {eq}; "
              f"relative area difference max {max(r['rel_area'] for r in with_anc):.2e}, "
              f"symmetric difference max {max(r['sym_area'] for r in with_anc):.2e} of the area; "
              f"vertices {sum(r['inc_verts'] for r in with_anc):,} against {sum(r['out_verts'] for r in with_anc):,}")
        big = sorted(with_anc, key=lambda r: -r["t_full"])[:8]
        print("\nthe 8 costliest groups: map, parts (shared/removed/added), input vertices, current s, window s")
        for r in big:
            print(f"  {r['map']:3d}  {r['parts']:3d} ({r['shared']}/{r['removed']}/{r['added']})  {r['verts']:7,}  "
                  f"{r['t_full']:.4f}  {r['t_window']:.4f}")
    return 0


anc_parts: dict = {}

if __name__ == "__main__":
    sys.exit(main())
