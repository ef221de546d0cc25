"""The country briefs opened in headless Chromium (Debian's chromium, driven by Playwright; no browser
download): the headline cards, the assumptions and the citations are on the page, the charts are drawn, and
no table is wider than the page, on screen at A4 width and printed on A4 and US letter. A screenshot of each
checked page is saved (its path is printed) to look at.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from test_cli import build_small_warehouse

from bcm_pipeline.briefs import build_all, build_brief

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# CSS px at 96 per inch: A4 is 210 mm = 794 px wide; printed with the page's 14 mm margins, the content is
# 182 mm = 688 px on A4 and 8.5 in - 28 mm = 710 px on US letter.
SCREEN_A4 = 794
PRINT_WIDTHS = {"A4": 688, "letter": 710}

# Everything wider than its container, and the page's own scroll width against its width.
OVERFLOW_JS = """() => ({
    page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
    tables: Array.from(document.querySelectorAll('table'))
        .filter(t => t.scrollWidth > t.parentElement.clientWidth + 1)
        .map(t => (t.parentElement.querySelector('a.csv') || {}).textContent + ': ' + t.scrollWidth + ' px'),
    charts: Array.from(document.querySelectorAll('svg.chart'))
        .filter(s => s.getBoundingClientRect().width > document.documentElement.clientWidth),
})"""


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} absent: install Debian's chromium (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _overflow(browser, page_path: Path, width: int, media: str = "screen") -> dict:
    page = browser.new_page(viewport={"width": width, "height": 1200})
    try:
        page.emulate_media(media=media)
        page.goto(page_path.as_uri())
        return page.evaluate(OVERFLOW_JS)
    finally:
        page.close()


def _fits(result: dict) -> bool:
    return result["page"][0] <= result["page"][1] and not result["tables"] and not result["charts"]


def test_small_brief_in_chromium(browser, tmp_path):
    wh = build_small_warehouse(tmp_path / "wh" / "bcm.duckdb")
    with duckdb.connect(str(wh), read_only=True) as con:
        path = build_brief(con, "VNM", tmp_path / "briefs")
    page = browser.new_page(viewport={"width": SCREEN_A4, "height": 1200})
    try:
        page.goto(path.as_uri())
        cards = page.locator(".kpi > div")
        assert cards.count() == 4
        assert "0.9 GW" in cards.nth(0).inner_text()  # 600 + 300 MW operating
        for card in range(4):
            assert page.locator(".kpi > div .def").nth(card).inner_text().strip()  # each says what it sums
        assert page.locator("#assumptions").is_visible() and page.locator("#sources").is_visible()
        assert "Licence: CC BY 4.0" in page.locator("ol.cite").inner_text()
        # The charts are drawn: the fleet chart's bars have a size on screen.
        box = page.locator("#fig-fleet rect").first.bounding_box()
        assert box and box["width"] > 10 and box["height"] > 10
        shot = tmp_path / "VNM_small.png"  # pytest keeps the last three runs' folders
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")
    finally:
        page.close()
    assert shot.stat().st_size > 50_000
    assert _fits(_overflow(browser, path, SCREEN_A4))


@pytest.mark.slow
def test_every_real_brief_fits_a4_and_letter(browser, full_build, tmp_path):
    """Every host country's brief of the full build: no table or chart wider than the page, on screen at A4
    width and printed on A4 and letter (the candidates table used to overflow)."""
    data_dir, _ = full_build
    with duckdb.connect(str(data_dir / "warehouse" / "bcm.duckdb"), read_only=True) as con:
        paths = build_all(con, tmp_path / "briefs")
    assert len(paths) >= 20
    failures = {}
    for path in paths:
        for label, width, media in [("screen A4", SCREEN_A4, "screen")] + [
            (f"print {name}", w, "print") for name, w in PRINT_WIDTHS.items()
        ]:
            result = _overflow(browser, path, width, media)
            if not _fits(result):
                failures[f"{path.parent.name} {label}"] = result
    assert not failures, failures
    vnm = next(p for p in paths if p.parent.name == "VNM")
    page = browser.new_page(viewport={"width": SCREEN_A4, "height": 1200})
    try:
        page.goto(vnm.as_uri())
        text = page.inner_text("body")
        assert (
            "creditable reduction, one option per unit" in text
            and "credits a year, agreements in force" in text
        )
        assert "Global Coal Plant Tracker, Global Energy Monitor, July 2024 release." in text
        assert "Discount and hurdle rates" in text
        shot = tmp_path / "VNM.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")
    finally:
        page.close()
    assert shot.stat().st_size > 100_000
