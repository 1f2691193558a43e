"""End-to-end test of the map UI in real headless Chromium (Debian's ``chromium`` package driven by
Playwright for Python; no browser download). It starts ``frontwatch serve``'s app on 127.0.0.1
over the shared store (every snapshot of ../shared/data/deepstate/history and the OSM borders of
../shared/data/borders), moves the date slider to 2024-11-24, compares the area the page shows
for RUS with /api/area (each side apart, border slivers named, not listed), checks the place labels,
the attribution and the permalink, pastes the seed article (../shared/data/articles/kursk-2024-11-24.txt)
and compares the verdicts shown with /api/claims/check, picks an ambiguous place as the region and
finds the API's warning under the area table with the map centred on the town and its circle drawn;
then opens a permalink on a phone-sized page (390x844). Desktop and phone screenshots are saved in
$FRONTWATCH_IMAGES (default /tmp/frontwatch-images) to be looked at.

Needs: ``apt-get install -y chromium``, ``pip install playwright`` (never ``playwright install``)
and the built UI (``npm ci && npm run build`` in web/). Skips, saying which, when one is missing.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from frontwatch.faces.service.app import STATIC_DIR

CHROMIUM = os.environ.get("FRONTWATCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DATE = "2024-11-24"


def _need_browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get update && apt-get install -y chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("Playwright for Python not installed: pip install playwright (no `playwright install` needed)")
    if not (STATIC_DIR / "index.html").exists():
        pytest.skip(f"UI not built ({STATIC_DIR}/index.html missing): cd web && npm ci && npm run build")


@pytest.fixture(scope="module")
def server(store_path):
    _need_browser()
    from frontwatch.faces.service import ServiceConfig
    from frontwatch.faces.service.server import running_server

    with running_server(ServiceConfig(store_path=store_path)) as base:
        yield base


def _keep(page, name):
    keep = Path(os.environ.get("FRONTWATCH_IMAGES", "/tmp/frontwatch-images"))
    keep.mkdir(parents=True, exist_ok=True)
    shot = keep / name
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    return shot


def _view(permalink: str):
    """(lat, lon, zoom) of a permalink's view."""
    frag = dict(part.split("=", 1) for part in permalink.lstrip("#").split("&"))
    lat, lon, zoom = frag["view"].split(",")
    return float(lat), float(lon), int(zoom)


@pytest.fixture(scope="module")
def browser(server):
    """One headless Chromium for the module's pages."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def api(server):
    """An HTTP client of the same service, for the figures the page must show."""
    import httpx

    with httpx.Client(base_url=server, timeout=300) as client:
        yield client


@pytest.fixture(scope="module")
def desktop(server, browser, api):
    """A 1400x900 page whose date slider was moved to DATE the way a keyboard user would (focus it
    and step to the date): (the page, the archive's dates, the page errors seen so far).

    The desktop tests below share this page and run in file order; the place-region test, which
    changes the region from RUS, comes last."""
    from playwright.sync_api import expect

    dates = sorted({s["date"] for s in api.get("/api/snapshots").json()["snapshots"]})
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/")
    expect(page.locator("body")).to_have_attribute("data-ready", "1", timeout=120_000)
    slider = page.locator("#date-slider")
    slider.focus()
    page.keyboard.press("Home")
    for _ in range(dates.index(DATE)):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#date-label")).to_have_text(DATE)
    yield page, dates, errors
    page.close()


def test_ui_shows_the_apis_area_for_rus_on_the_chosen_date(desktop, api):
    """Each status as /api/area gives it (border slivers named under the table, not listed), and
    each side apart, never both added."""
    from playwright.sync_api import expect

    page, _, errors = desktop
    expected_area = api.get("/api/area", params={"region": "RUS", "date": DATE}).json()
    table = page.locator("#area-table")
    expect(table).to_have_attribute("data-date", DATE, timeout=120_000)
    expect(table).to_have_attribute("data-region", "RUS")
    shown = {tr.get_attribute("data-status"): float(tr.get_attribute("data-km2"))
             for tr in table.locator("tbody tr").all()}
    # Russia's border slivers in Russia are not listed as ground (they are named below the table).
    assert shown == {r["status"]: r["km2"] for r in expected_area["records"]
                     if r["km2"] > 0 or not r.get("border_slivers_km2")}
    assert "occupied" not in shown and "Left out: border slivers" in page.locator("#area-slivers").inner_text()
    held = next(r for r in expected_area["records"] if r["status"] == "ukraine_held")
    assert f"{held['km2']:,.1f}" in table.inner_text() and "held by Ukraine" in table.inner_text()
    # Each side apart, never both added: the page showed "total 847 km2".
    sides = {tr.get_attribute("data-side"): float(tr.get_attribute("data-km2"))
             for tr in page.locator("#area-sides tbody tr").all()}
    assert sides == {s["side"]: s["km2"] for s in expected_area["sides"]} and sides
    assert "total" not in page.locator("aside").inner_text().lower()
    assert not errors, errors


def test_ui_map_draws_the_chosen_date(desktop):
    """That date's layers and front line, place names and the map's attribution."""
    from playwright.sync_api import expect

    page, _, errors = desktop
    expect(page.locator("body")).to_have_attribute("data-layers-date", DATE, timeout=120_000)
    expect(page.locator("#front-length")).to_have_attribute("data-date", DATE, timeout=300_000)
    labels = page.locator(".leaflet-tooltip.place-label")
    expect(labels.first).to_be_visible(timeout=60_000)
    names = labels.all_inner_texts()
    assert len(names) >= 5 and {"Kharkiv", "Donetsk"} & set(names), names
    attribution = page.locator(".leaflet-control-attribution").inner_text()
    assert "DeepStateMap" in attribution and "OpenStreetMap" in attribution and "GeoNames" in attribution
    assert not errors, errors


def test_ui_permalink_holds_what_the_page_shows(desktop):
    """The permalink holds the date, the region and the view (a desktop screenshot is kept)."""
    page, _, errors = desktop
    link = page.locator("#permalink").get_attribute("href")
    assert link.startswith(f"#date={DATE}&region=RUS&view="), link
    assert page.evaluate("location.hash") == link
    _keep(page, "ui-desktop.png")
    assert not errors, errors


def test_ui_shows_the_apis_verdicts_on_a_pasted_article(desktop, api, article_file):
    """../shared/data/articles/kursk-2024-11-24.txt pasted and checked: one row per claim, with the
    verdict /api/claims/check gives."""
    from playwright.sync_api import expect

    page, _, errors = desktop
    text = article_file.read_text(encoding="utf-8")
    expected_checks = api.post("/api/claims/check", json={"text": text}).json()
    page.locator("#claims-text").fill(text)
    page.locator("#claims-check").click()
    rows = page.locator("#claims-table tbody tr")
    expect(rows).to_have_count(len(expected_checks["claims"]), timeout=300_000)
    assert [r.get_attribute("data-verdict") for r in rows.all()] == [c["verdict"] for c in expected_checks["claims"]]
    assert any(c["verdict"].startswith("consistent") for c in expected_checks["claims"])
    assert not errors, errors


def test_ui_chart_axis_follows_the_data(desktop, api):
    """The chart's axis top is a round value just above the largest of the weekly series."""
    from playwright.sync_api import expect

    page, dates, errors = desktop
    expect(page.locator("#chart svg path.series")).to_have_count(1, timeout=300_000)
    svg = page.locator("#chart svg")
    top = float(svg.get_attribute("data-ymax"))
    series = api.get("/api/area", params={"region": "RUS", "status": "ukraine_held", "every": "week",
                                          "from": dates[0]}).json()["totals"]
    largest = max(t["km2"] for t in series)
    assert largest <= top < largest * 1.5, (largest, top)
    assert not errors, errors


def test_ui_place_region_shows_the_apis_warning_centred_on_the_place(desktop):
    """A place region: the API's warning (Pokrovsk is also a town in Yakutia) is shown under the
    table, the map is centred on the town and its circle drawn."""
    from playwright.sync_api import expect

    page, _, errors = desktop
    table = page.locator("#area-table")
    page.locator("input[name=mode][value=place]").check()
    page.locator("#place-input").fill("Pokrovsk")
    page.locator("#place-go").click()
    expect(table).to_have_attribute("data-region", "Pokrovsk:15km", timeout=120_000)
    expect(page.locator("#area-warning")).to_be_visible()
    expect(page.locator("#area-warning")).to_contain_text("'Pokrovsk' is ambiguous")
    expect(page.locator("body")).to_have_attribute("data-region-circle", "Pokrovsk:15km", timeout=60_000)
    expect(page.locator("body")).to_have_attribute("data-permalink", re.compile(r"region=Pokrovsk:15km"), timeout=60_000)
    lat, lon, zoom = _view(page.locator("body").get_attribute("data-permalink"))
    assert abs(lat - 48.28) < 0.1 and abs(lon - 37.18) < 0.15 and zoom >= 9, (lat, lon, zoom)
    assert page.locator("path.region-outline").count() == 1
    assert not errors, errors


@pytest.fixture(scope="module")
def phone(server, browser):
    """The permalink of Sudzha on 24 November 2024 opened at 390x844 (a phone): (the page, the
    page errors seen so far)."""
    from playwright.sync_api import expect

    link = f"#date={DATE}&region=Sudzha:20km&view=51.19,35.27,10"
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                            has_touch=True)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/" + link)
    expect(page.locator("body")).to_have_attribute("data-ready", "1", timeout=120_000)
    yield page, errors
    page.close()


def test_a_permalink_opened_on_a_phone_restores_its_state(phone):
    """The page restores the date, the place region (its circle) and the view, with place names."""
    from playwright.sync_api import expect

    page, errors = phone
    expect(page.locator("#date-label")).to_have_text(DATE)
    expect(page.locator("#area-table")).to_have_attribute("data-region", "Sudzha:20km", timeout=120_000)
    expect(page.locator("body")).to_have_attribute("data-region-circle", "Sudzha:20km", timeout=60_000)
    lat, lon, zoom = _view(page.evaluate("location.hash"))
    assert (round(lat, 2), round(lon, 2), zoom) == (51.19, 35.27, 10)  # the view given, not re-fitted
    labels = page.locator(".leaflet-tooltip.place-label")
    expect(labels.first).to_be_visible(timeout=60_000)
    assert "Sudzha" in labels.all_inner_texts()
    expect(page.locator("body")).to_have_attribute("data-layers-date", DATE, timeout=120_000)
    assert not errors, errors


def test_the_page_fits_a_phone_with_the_panels_under_the_map(phone):
    """Nothing wider than the screen, the map on top, the panels under it, the attribution visible
    (screenshots of the map and of the panels are kept)."""
    from playwright.sync_api import expect

    page, errors = phone
    expect(page.locator("body")).to_have_attribute("data-layers-date", DATE, timeout=120_000)
    # Usable on a phone: nothing wider than the screen, the map on top, the panels under it.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box_map, box_aside = page.locator("#map").bounding_box(), page.locator("aside").bounding_box()
    assert box_map["width"] >= 380 and box_map["height"] >= 300 and box_aside["y"] >= box_map["y"] + box_map["height"] - 1
    attribution = page.locator(".leaflet-control-attribution")
    expect(attribution).to_be_visible()
    assert "OpenStreetMap" in attribution.inner_text()
    _keep(page, "ui-phone.png")
    page.locator("aside").scroll_into_view_if_needed()
    page.locator("#area-table").scroll_into_view_if_needed()
    _keep(page, "ui-phone-panel.png")
    assert not errors, errors
