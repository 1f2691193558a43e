"""Maps of control on a date: the map maker's status layers in DeepStateMap's colours, the front
line, the ground one side gained and lost since a second date, country borders from the store,
and the largest settlements of the view labelled. ``ws.map_data`` gathers them
(:func:`frontwatch.analysis.views.map_data`); :func:`control_map` draws them with matplotlib (Agg) in a local azimuthal equidistant projection, so the scale bar
is true in kilometres at the centre of the view.

Web tiles are drawn only when ``FRONTWATCH_TILES`` holds a URL template and contextily is
installed and the server answers; otherwise the footer says why there are none.
May import: matplotlib, geopandas, shapely, frontwatch.geo.places (provenance words),
frontwatch.geo.geodesy (the local projection to draw in), frontwatch.statuses.
"""
from __future__ import annotations

import math
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import shapely  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from frontwatch import __version__  # noqa: E402
from frontwatch.geo.geodesy import local_crs, to_local  # noqa: E402
from frontwatch.geo.places import gazetteer_origin  # noqa: E402
from frontwatch.statuses import STATUSES  # noqa: E402
from frontwatch.faces.report.charts import COUNTRY_NAMES, _long_date, _source_name, fmt_area, region_words  # noqa: E402

# DeepStateMap's fills; Ukrainian-held ground is drawn light, as on the map maker's site.
MAP_COLOURS = {"occupied": "#a52714", "occupied_before_2022": "#880e4f", "ukraine_held": "#0f9d58",
               "contested": "#bcaaa4"}
MAP_ALPHA = {"occupied": 0.55, "occupied_before_2022": 0.55, "ukraine_held": 0.28, "contested": 0.75}
LABELS = {"occupied": "occupied by Russia since 24 Feb 2022", "occupied_before_2022": "occupied by Russia before 2022",
          "ukraine_held": "held by Ukraine", "contested": "grey zone (contested)"}
# Ukraine's ground inside Ukraine (the map maker's "liberated": retaken since 2022) in a pale tint
# of its own, so that it never reads as the same thing as Ukraine's ground inside Russia.
RETAKEN_FILL = "#e4ece2"
RETAKEN_LABEL = "retaken by Ukraine since 2022 (its own land)"
BORDER_RU_UA = "#3b3b3b"
SIDE_NAME = {"russia": "Russia", "ukraine": "Ukraine"}
SEA = "#dce9f2"
LAND = "#f6f5f0"
# The OSM land polygons have thousands of pond-sized holes; drawn, they speckle the map.
HOLE_MIN_M2 = 3e6


# ------------------------------------------------------------------ drawing

def _nice_km(span_km: float) -> float:
    target = span_km / 5
    exp = 10 ** math.floor(math.log10(target))
    return max(m * exp for m in (1, 2, 5) if m * exp <= target)


def control_map(data: dict, *, title: str | None = None, width_in: float = 10.0):
    """A matplotlib Figure of :func:`map_data`'s result."""
    import geopandas as gpd

    x0, y0, x1, y1 = data["view"]
    lon0, lat0 = (x0 + x1) / 2, (y0 + y1) / 2
    crs = local_crs(lon0, lat0)
    # Cut everything a little wider than the view before projecting: cheap, and no edge gaps.
    wide = (x0 - (x1 - x0) * 0.1, y0 - (y1 - y0) * 0.1, x1 + (x1 - x0) * 0.1, y1 + (y1 - y0) * 0.1)

    def local(g):
        g = shapely.clip_by_rect(g, *wide)
        return None if g.is_empty else to_local(g, lon0, lat0)

    frame = to_local(shapely.box(*data["view"]), lon0, lat0)
    fx0, fy0, fx1, fy1 = frame.bounds
    height_in = min(max(width_in * (fy1 - fy0) / (fx1 - fx0), 5.0), 13.0)
    fig, ax = plt.subplots(figsize=(width_in, height_in + 1.8), dpi=110)
    ax.set_facecolor(SEA)
    ax.set_xlim(fx0, fx1)
    ax.set_ylim(fy0, fy1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")

    def draw(geom, **kw):
        if geom is not None and not geom.is_empty:
            gpd.GeoSeries([geom], crs=crs).plot(ax=ax, **kw)

    notes = list(data["notes"])
    tiles = _tiles(ax, crs, notes)
    handles = []
    for iso, g in sorted(data["borders"].items()):
        draw(_without_small_holes(local(g), HOLE_MIN_M2), facecolor="none" if tiles else LAND,
             edgecolor="#6d6d6d", lw=0.9, zorder=1)
    if not tiles:
        handles.append(Patch(facecolor=LAND, edgecolor="#6d6d6d", lw=0.9,
                             label="no layer: held by the country it lies in"))
    ukr_local = local(data["borders"]["UKR"]) if "UKR" in data["borders"] else None
    for st in STATUSES:
        g = data["layers"].get(st)
        lg = local(g) if g is not None else None
        if lg is None or lg.is_empty:
            continue
        # Opaque pre-blended fills: parts of a layer that overlap would darken with alpha.
        fill = _blend(MAP_COLOURS[st], MAP_ALPHA[st])
        if st == "ukraine_held" and ukr_local is not None:
            own = shapely.intersection(lg, ukr_local)
            away = shapely.difference(lg, ukr_local)
            if not own.is_empty and area_km2_local(own) > 1.0:
                draw(own, facecolor=RETAKEN_FILL, edgecolor="#b9c7b5", lw=0.4, zorder=2)
                handles.append(Patch(facecolor=RETAKEN_FILL, edgecolor="#b9c7b5", lw=0.4, label=RETAKEN_LABEL))
            # Slivers of the difference along the border are no ground worth a colour.
            away = shapely.union_all([q for q in shapely.get_parts(away) if q.area > 0.5e6]) if not away.is_empty else away
            if not away.is_empty and area_km2_local(away) > 1.0:
                draw(away, facecolor=fill, edgecolor="none", zorder=2)
                handles.append(Patch(facecolor=fill, label="held by Ukraine in Russia" if "RUS" in data["borders"]
                                     else LABELS[st]))
            continue
        draw(lg, facecolor=fill, edgecolor="none", zorder=2)
        handles.append(Patch(facecolor=fill, label=LABELS[st]))
    # The Russia-Ukraine border, drawn over the layers so it stays visible through them.
    border = _shared_border(local, data["borders"])
    if border is not None:
        draw(border, color="white", lw=3.2, zorder=4.5)
        draw(border, color=BORDER_RU_UA, lw=1.6, ls="-.", zorder=4.6)
        handles.append(Line2D([], [], color=BORDER_RU_UA, lw=1.6, ls="-.", label="Russia-Ukraine border"))
    chg = data["change"]
    if chg is not None:
        side = chg["side"]
        who = SIDE_NAME.get(side, side)
        since = _long_date(chg["from_date"])
        gained_col, lost_col = ("#6a0000", "#00695c") if side == "russia" else ("#00695c", "#6a0000")
        texts = {"gained": f"{who} took {fmt_area(chg['gained_km2'])} since {since}",
                 "lost": f"taken from {who} since {since} (by the other side or into the grey zone): "
                         f"{fmt_area(chg['lost_km2'])}"}
        for key, col, hatch in (("gained", gained_col, "////"), ("lost", lost_col, "\\\\\\\\")):
            g = local(chg["geometry"][key])
            if g is not None:
                draw(g, facecolor="none", edgecolor=col, hatch=hatch, lw=0.3, zorder=3)
            handles.append(Patch(facecolor="none", edgecolor=col, hatch=hatch, label=texts[key]))
    region_g = (local(data["region"].geometry.boundary)
                if data["region"].name.upper() not in data["borders"] else None)
    # A country's outline is already drawn as a border (with every pond-sized hole in it).
    if region_g is not None and data["region"].name.upper() not in data["borders"] and data["region"].name.upper() != "ALL":
        draw(region_g, color="#1565c0", lw=1.2, ls="--", zorder=4)
        handles.append(Line2D([], [], color="#1565c0", lw=1.2, ls="--", label=f"the region: {region_words(data['region'].name)}"))
    styles = {data["date"]: dict(color="black", lw=2.0, ls="-")}
    if data["before"] is not None:
        styles[data["before"].date] = dict(color="#1a1a1a", lw=1.6, ls="--")
    for d, rec in data["fronts"].items():
        g = local(rec["geometry"])
        if g is not None:
            draw(g, zorder=5, **styles[d])
        handles.append(Line2D([], [], label=f"front line {rec['date']}", **styles[d]))
    layers_here = [lg for lg in (local(g) for g in data["layers"].values()) if lg is not None]
    _country_names(ax, data["borders"], local, frame, layers_here)
    _scale_bar(ax, fx0, fy0, fx1, fy1)
    ax.annotate("N", xy=(0.965, 0.95), xytext=(0.965, 0.86), xycoords="axes fraction", ha="center", va="center",
                fontsize=11, fontweight="bold", arrowprops=dict(arrowstyle="-|>", color="black", lw=1.5))
    ax.set_xlabel("")  # geopandas labels projected axes; the scale bar says it better
    ax.set_ylabel("")
    if handles:
        # Below the map, not on it: the legend would hide ground at the edge of the view.
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=2, fontsize=8,
                  frameon=False)
    snap = data["snapshot"]
    where = region_words(data["region"].name)
    t = title or (f"Who holds the ground {'' if where.startswith('within') else 'in '}{where}, {_long_date(snap.date.isoformat())}"
                  + (f", and what changed since {_long_date(data['before'].date.isoformat())}"
                     if data["before"] is not None else ""))
    ax.set_title(t, fontsize=12.5, loc="left")
    when = f"{_long_date(snap.date.isoformat())} ({snap.taken_at:%H:%M} UTC)"
    if data["before"] is not None:
        when = f"{_long_date(data['before'].date.isoformat())} ({data['before'].taken_at:%H:%M} UTC) and " + when
    foot = (f"Source: {_source_name(snap.source)}, maps of {when}; borders: {_origin_name(data['borders_origin'])}; "
            f"places: {_places_origin()}. Made with frontwatch {__version__}.")
    if notes:
        foot += " " + "; ".join(notes) + "."
    fig.text(0.01, 0.005, foot, fontsize=6.5, color="#555555", wrap=True)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    inset = _locator(fig, ax, data)
    _labels(fig, ax, data, local, avoid=[inset])  # after the layout: overlaps are judged where the labels end up
    return fig


def area_km2_local(g) -> float:
    """Area of a geometry in a local metric projection, km2 (drawing decisions only)."""
    return g.area / 1e6


def _origin_name(origin) -> str:
    """Where the borders came from, without a local path: OpenStreetMap's file by its name, a URL as it is."""
    if not origin:
        return "OpenStreetMap"
    names = []
    for o in str(origin).split(", "):
        base = o.rstrip("/").rsplit("/", 1)[-1]
        names.append(o if "://" in o else base)
    text = ", ".join(names)
    return f"OpenStreetMap ({text})" if "osm" in text.lower() else text


def _shared_border(local, borders):
    """The Russia-Ukraine border in the view (local metres), or None."""
    if "RUS" not in borders or "UKR" not in borders:
        return None
    ru, ua = local(borders["RUS"]), local(borders["UKR"])
    if ru is None or ua is None:
        return None
    line = shapely.intersection(ru.boundary, shapely.buffer(ua, 150.0, quad_segs=2))
    return None if line.is_empty else line


def _country_names(ax, borders, local, frame, layers=()):
    """The name of each country that fills a good part of the view, large and pale, at the
    middle of its largest stretch of the view that no layer covers (polylabel)."""
    fa = frame.area
    busy = shapely.buffer(shapely.union_all(layers), 1500.0, quad_segs=2) if layers else None
    for iso, g in borders.items():
        lg = local(g)
        if lg is None:
            continue
        inside = shapely.intersection(lg, shapely.buffer(frame, -0.04 * math.sqrt(fa)))
        if inside.is_empty or inside.area < 0.06 * fa:
            continue
        free = shapely.difference(inside, busy) if busy is not None else inside
        if free.is_empty:
            free = inside
        part = max(shapely.get_parts(shapely.simplify(free, 200.0)), key=lambda q: q.area)
        p = shapely.maximum_inscribed_circle(part, 500.0).coords[0]
        p = shapely.Point(p)
        ax.text(p.x, p.y, COUNTRY_NAMES.get(iso, iso).upper(), ha="center", va="center", fontsize=15, color="#8a8a8a",
                alpha=0.55, fontweight="bold", zorder=2.5)


def _locator(fig, ax, data):
    """A small map of the theatre in the top left corner with the view outlined."""
    import geopandas as gpd

    bb = ax.get_position()
    inset = fig.add_axes([bb.x0 + 0.008, bb.y1 - 0.19, 0.17, 0.18])
    box = (22.0, 44.0, 41.0, 53.5)
    shapes = {iso: _without_small_holes(shapely.simplify(shapely.clip_by_rect(g, *box), 0.05), 0.2)
              for iso, g in data["borders"].items()}
    for iso, g in shapes.items():
        if g is not None and not g.is_empty:
            gpd.GeoSeries([g]).plot(ax=inset, facecolor="#ffffff" if iso not in ("RUS", "UKR") else
                                    ("#f1e3df" if iso == "RUS" else "#fbf5dc"), edgecolor="#777777", lw=0.4)
    x0, y0, x1, y1 = data["view"]
    inset.add_patch(plt.Rectangle((x0, y0), max(x1 - x0, 0.25), max(y1 - y0, 0.25), fill=False, ec="#c62828", lw=1.6))
    inset.set_xlim(box[0], box[2])
    inset.set_ylim(box[1], box[3])
    inset.set_aspect(1 / math.cos(math.radians(48.5)))
    inset.set_facecolor(SEA)
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_xlabel("")
    inset.set_ylabel("")
    for sp in inset.spines.values():
        sp.set_edgecolor("#555555")
    return inset


def _blend(colour, alpha, under=LAND):
    from matplotlib.colors import to_rgb

    return tuple(alpha * c + (1 - alpha) * u for c, u in zip(to_rgb(colour), to_rgb(under)))


def _without_small_holes(geom, min_m2):
    """``geom`` (projected, metres) with interior rings smaller than ``min_m2`` filled: drawing only."""
    if geom is None:
        return None
    polys = []
    for p in shapely.get_parts(geom):
        if p.geom_type != "Polygon":
            continue
        holes = [r for r in p.interiors if shapely.Polygon(r).area >= min_m2]
        polys.append(shapely.Polygon(p.exterior, holes))
    return shapely.MultiPolygon(polys) if polys else None


def _tiles(ax, crs, notes) -> bool:
    url = os.environ.get("FRONTWATCH_TILES")
    if not url:
        return False
    try:
        import contextily
    except ImportError:
        notes.append("tiles not drawn: contextily is not installed")
        return False
    try:
        contextily.add_basemap(ax, crs=crs.to_wkt(), source=url, attribution_size=6)
    except Exception as exc:  # an unreachable tile server must not cost the map
        notes.append(f"tiles not drawn: {type(exc).__name__}")
        return False
    return True


def _labels(fig, ax, data, local, avoid=()):
    """Label the largest settlements, skipping any whose label would overlap one already placed
    (or anything in ``avoid``, the locator inset)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    axbox = ax.get_window_extent(renderer)
    blocked = [a.get_window_extent(renderer).expanded(1.03, 1.03) for a in avoid if a is not None]
    placed = []
    for row in data["places"].itertuples():
        if len(placed) >= data["max_labels"]:
            break
        p = local(shapely.Point(row.lon, row.lat))
        if p is None:
            continue
        x, y = p.x, p.y
        if not (ax.get_xlim()[0] < x < ax.get_xlim()[1] and ax.get_ylim()[0] < y < ax.get_ylim()[1]):
            continue
        if any(b.contains(*ax.transData.transform((x, y))) for b in blocked):
            continue
        big = row.population >= 50_000
        dot = ax.plot([x], [y], "o", ms=4 if big else 3, color="black", zorder=6)[0]
        txt = None
        for dx, ha in ((4, "left"), (-4, "right")):
            t = ax.annotate(row.name, (x, y), xytext=(dx, 2), textcoords="offset points", ha=ha, va="bottom",
                            fontsize=9 if big else 7.5, fontweight="bold" if big else "normal", zorder=7,
                            bbox=dict(boxstyle="square,pad=0.05", fc="white", ec="none", alpha=0.6))
            bb = t.get_window_extent(renderer).expanded(1.05, 1.15)
            inside = axbox.contains(bb.x0, bb.y0) and axbox.contains(bb.x1, bb.y1)
            if inside and not any(bb.overlaps(o) for o in placed + blocked):
                txt = t
                placed.append(bb)
                break
            t.remove()
        if txt is None:
            dot.remove()


def _scale_bar(ax, fx0, fy0, fx1, fy1):
    km = _nice_km((fx1 - fx0) / 1000)
    x = fx0 + (fx1 - fx0) * 0.04
    y = fy0 + (fy1 - fy0) * 0.05
    ax.plot([x, x + km * 1000], [y, y], color="black", lw=3, solid_capstyle="butt", zorder=8)
    ax.plot([x, x + km * 1000], [y, y], color="white", lw=1, solid_capstyle="butt", zorder=8,
            dashes=(4, 4))
    ax.text(x + km * 500, y + (fy1 - fy0) * 0.012, f"{km:g} km", ha="center", va="bottom", fontsize=8, zorder=8,
            bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.7))


def _places_origin() -> str:
    return gazetteer_origin()
