"""End-to-end test of the map UI in real headless Chromium (Debian's ``chromium`` package driven by
Playwright for Python; no browser download). It starts ``frontwatch serve``'s app on 127.0.0.1
over the shared store (every snapshot of ../shared/data/deepstate/history and the OSM borders of
../shared/data/borders), moves the date slider to 2024-11-24, compares the area the page shows
for RUS with /api/area, pastes the seed article (../shared/data/articles/kursk-2024-11-24.txt)
and compares the verdicts shown with /api/claims/check, picks an ambiguous place as the region and
finds the API's warning under the area table, and saves a screenshot.

Needs: ``apt-get install -y chromium``, ``pip install playwright`` (never ``playwright install``)
and the built UI (``npm ci && npm run build`` in web/). Skips, saying which, when one is missing.
"""
from __future__ import annotations

import os
import shutil
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


def test_ui_shows_the_apis_area_for_rus_on_the_chosen_date_and_the_articles_verdicts(server, article_file, tmp_path):
    import httpx
    from playwright.sync_api import expect, sync_playwright

    api = httpx.Client(base_url=server, timeout=300)
    expected_area = api.get("/api/area", params={"region": "RUS", "date": DATE}).json()
    dates = sorted({s["date"] for s in api.get("/api/snapshots").json()["snapshots"]})
    text = article_file.read_text(encoding="utf-8")
    expected_checks = api.post("/api/claims/check", json={"text": text}).json()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server + "/")
            expect(page.locator("body")).to_have_attribute("data-ready", "1", timeout=120_000)

            # Move the slider the way a keyboard user would: focus it and step to the date.
            slider = page.locator("#date-slider")
            slider.focus()
            page.keyboard.press("Home")
            for _ in range(dates.index(DATE)):
                page.keyboard.press("ArrowRight")
            expect(page.locator("#date-label")).to_have_text(DATE)

            table = page.locator("#area-table")
            expect(table).to_have_attribute("data-date", DATE, timeout=120_000)
            expect(table).to_have_attribute("data-region", "RUS")
            shown = {tr.get_attribute("data-status"): float(tr.get_attribute("data-km2"))
                     for tr in table.locator("tbody tr").all()}
            assert shown == {r["status"]: r["km2"] for r in expected_area["records"]}
            total = expected_area["totals"][0]["km2"]
            assert float(page.locator("#area-total").get_attribute("data-km2")) == total
            assert page.locator("#area-total").inner_text() == f"{total:,.1f}"
            held = next(r for r in expected_area["records"] if r["status"] == "ukraine_held")
            assert f"{held['km2']:,.1f}" in table.inner_text()

            # The map draws that date's layers and front line.
            expect(page.locator("body")).to_have_attribute("data-layers-date", DATE, timeout=120_000)
            expect(page.locator("#front-length")).to_have_attribute("data-date", DATE, timeout=300_000)

            page.locator("#claims-text").fill(text)
            page.locator("#claims-check").click()
            rows = page.locator("#claims-table tbody tr")
            expect(rows).to_have_count(len(expected_checks["claims"]), timeout=300_000)
            assert [r.get_attribute("data-verdict") for r in rows.all()] == [c["verdict"] for c in expected_checks["claims"]]
            assert any(c["verdict"].startswith("consistent") for c in expected_checks["claims"])
            expect(page.locator("#chart svg path.series")).to_have_count(1, timeout=300_000)

            # A place region: the API's warning (Pokrovsk is also a town in Yakutia) is shown under the table.
            page.locator("input[name=mode][value=place]").check()
            page.locator("#place-input").fill("Pokrovsk")
            page.locator("#place-go").click()
            expect(table).to_have_attribute("data-region", "Pokrovsk:15km", timeout=120_000)
            expect(page.locator("#area-warning")).to_be_visible()
            expect(page.locator("#area-warning")).to_contain_text("'Pokrovsk' is ambiguous")

            shot = tmp_path / "ui.png"
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10_000
            keep = Path(os.environ.get("FRONTWATCH_IMAGES", "/tmp/frontwatch-images"))
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, keep / "ui.png")
            assert not errors, errors
        finally:
            browser.close()
