"""The workbench in a real browser (Playwright driving Debian's Chromium; never ``playwright install``).

Every page: loads with no console error and no request outside the app, passes axe-core (WCAG 2 A
and AA) without serious or critical violations, has text alternatives on its charts, works with
JavaScript off, and is saved as a screenshot under tests/artifacts/screenshots. Interactions: the
target and year update the map, bars and URL; principal and target update the broker table; a
what-if changes the numbers; the register's create -> edit -> approve flow with a stale edit
refused; a user without clearance never sees the SECRET record; keyboard-only use.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.web.conftest import PASSWORD, SECRET_TITLE

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
AXE = HERE / "vendor" / "axe.min.js"
SHOTS = HERE.parent / "artifacts" / "screenshots"
CHROMIUM = ("/usr/lib/chromium/chromium-headless-shell", "/usr/lib/chromium/chromium", "/usr/bin/chromium")

PUBLIC_PAGES = {
    "home": "/",
    "leverage": "/leverage?target=PAK&year=2010",
    "leverage-of": "/leverage/of?source=USA&year=2010",
    "dyad": "/dyad?a=USA&b=PAK",
    "brokers": "/brokers?principal=EU&target=PAK&year=2010",
    "incentives": "/incentives?principal=EU&broker=TUR&year=2010",
    "whatif": "/whatif?principal=EU&target=PAK&year=2010&changes=new+dca+TUR-PAK",
    "network": "/network?year=2010",
    "negotiation": "/negotiation?actor=TUR&runs=20",
    "data": "/data",
    "login": "/register/login",
    "leverage-error": "/leverage?target=Pakistn&year=2010",
}
REGISTER_PAGES = {
    "register": "/register",
    "calendar": "/register/calendar?month=2026-03",
    "engagement": "/register/engagements/1",
    "new-engagement": "/register/new",
    "edit-engagement": "/register/engagements/1/edit",
    "trajectory": "/register/trajectory?partner=PAK",
    "coherence": "/register/coherence?priority=PAK",
    "planner": "/register/plan?budget=100000&priorities=PAK%3D3",
}


def chromium_path() -> str:
    for path in CHROMIUM:
        if Path(path).exists():
            return path
    if os.environ.get("CI") == "true":
        pytest.fail("Debian's Chromium is missing: .ci/run installs chromium-headless-shell")
    pytest.skip("no Debian Chromium (apt-get install chromium-headless-shell)")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=["--disable-dev-shm-usage"])
        yield b
        b.close()


def sign_in(context: object, base: str, user: str) -> None:
    r = context.request.post(f"{base}/register/login", form={"username": user, "password": PASSWORD},
                             max_redirects=0)
    assert r.status == 303, r.text()[:300]


@pytest.fixture
def watched(browser, live_server) -> Iterator[tuple[object, list[str], list[str]]]:
    """A context (CSP enforced) recording console errors and every request outside the app,
    which is also blocked."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    outside: list[str] = []

    def route(r):
        if r.request.url.startswith(live_server):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    context.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    context.on("weberror", lambda e: errors.append(str(e.error)))
    yield context, errors, outside
    context.close()


@pytest.fixture(scope="session")
def axe_context(browser, live_server) -> Iterator[object]:
    """A signed-in context that may inject axe-core (CSP bypassed for the test script only)."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    sign_in(context, live_server, "chief")
    yield context
    context.close()


def check_charts_have_text(page) -> None:
    for svg in page.query_selector_all("svg.chart"):
        assert svg.get_attribute("role") == "img"
        ids = svg.get_attribute("aria-labelledby").split()
        texts = [page.eval_on_selector(f"#{i}", "e => e.textContent") for i in ids]
        assert all(t and t.strip() for t in texts), ids


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


ALL_PAGES = {**PUBLIC_PAGES, **REGISTER_PAGES}


@pytest.mark.parametrize("name", list(ALL_PAGES))
def test_page_loads_clean_and_accessible(name, watched, axe_context, live_server):
    context, errors, outside = watched
    if name in REGISTER_PAGES:
        sign_in(context, live_server, "chief")
    page = context.new_page()
    response = page.goto(live_server + ALL_PAGES[name], wait_until="networkidle")
    expected = 422 if name.endswith("error") else 200
    assert response.status == expected
    assert page.locator("main h1").count() == 1
    check_charts_have_text(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=name not in ("leverage", "brokers"))
    if expected != 200:  # the browser reports the page's own 4xx status as a console error
        errors = [e for e in errors if f"status of {expected}" not in e]
    assert errors == [], errors
    assert outside == [], outside
    checked = axe_context.new_page()
    checked.goto(live_server + ALL_PAGES[name], wait_until="networkidle")
    violations = axe_violations(checked)
    checked.close()
    assert violations == [], violations


@pytest.mark.parametrize("name", list(ALL_PAGES))
def test_page_works_without_javascript(name, browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    if name in REGISTER_PAGES:
        sign_in(context, live_server, "chief")
    page = context.new_page()
    response = page.goto(live_server + ALL_PAGES[name])
    assert response.status in (200, 422)
    assert page.locator("main h1").count() == 1
    if name in ("leverage", "dyad", "brokers", "network", "negotiation", "whatif", "incentives"):
        assert page.locator("svg.chart").count() >= 1
        assert page.locator("table.data-table").count() >= 1
    context.close()


def test_without_javascript_forms_still_navigate(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/leverage?target=PAK&year=2010")
    page.fill("#f-target", "IND")
    page.select_option("#f-year", "2005")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"target=IND"))
    assert parse_qs(urlparse(page.url).query)["year"] == ["2005"]
    assert "India" in page.locator("main h1").inner_text() and "2005" in page.locator("main h1").inner_text()
    context.close()


def desc(page, chart_id: str) -> str:
    return page.eval_on_selector(f"#{chart_id}-desc", "e => e.textContent")


def test_target_and_year_update_map_bars_and_url(watched, live_server):
    context, errors, _ = watched
    page = context.new_page()
    page.goto(live_server + "/leverage?target=PAK&year=2010", wait_until="networkidle")
    map_before, bars_before = desc(page, "map"), desc(page, "bars")
    page.select_option("#f-year", "2004")                      # autosubmits through htmx
    page.wait_for_url(re.compile(r"year=2004"))
    page.wait_for_function("document.querySelector('main h1').textContent.includes('2004')")
    assert desc(page, "map") != map_before and desc(page, "bars") != bars_before
    map_2004 = desc(page, "map")
    page.fill("#f-target", "India")
    page.press("#f-target", "Enter")
    page.wait_for_url(re.compile(r"target=India"))
    page.wait_for_function("document.querySelector('main h1').textContent.includes('India')")
    assert desc(page, "map") != map_2004
    assert "2004" in page.locator("main h1").inner_text()
    assert errors == []


def broker_rows(page) -> list[str]:
    return page.locator("#broker-table tbody tr td:nth-child(2)").all_inner_texts()


def test_principal_and_target_update_the_broker_table(watched, live_server):
    context, errors, _ = watched
    page = context.new_page()
    page.goto(live_server + "/brokers?principal=EU&target=PAK&year=2010", wait_until="networkidle")
    before = broker_rows(page)
    page.fill("#f-principal", "USA")
    page.press("#f-principal", "Enter")
    page.wait_for_url(re.compile(r"principal=USA"))
    page.wait_for_function("document.querySelector('main h1').textContent.includes('United States')")
    after_principal = broker_rows(page)
    assert after_principal != before and "USA" not in after_principal
    page.fill("#f-target", "IRN")
    page.press("#f-target", "Enter")
    page.wait_for_url(re.compile(r"target=IRN"))
    page.wait_for_function("document.querySelector('main h1').textContent.includes('Iran')")
    assert broker_rows(page) != after_principal
    assert errors == []


def test_whatif_changes_the_numbers(watched, live_server):
    context, errors, _ = watched
    page = context.new_page()
    page.goto(live_server + "/whatif", wait_until="networkidle")
    page.fill("#f-principal", "EU")
    page.fill("#f-target", "PAK")
    page.fill("#f-year", "2010")
    page.fill("#f-changes", "new dca TUR-PAK\nTUR-PAK exercises =3")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"changes="))
    page.wait_for_selector("#whatif-leverage-table")
    rows = page.locator("#whatif-leverage-table tbody tr")
    changed = {}
    for k in range(rows.count()):
        cells = rows.nth(k).locator("th, td").all_inner_texts()
        changed[cells[0]] = (cells[1], cells[2], cells[3])
    assert "TUR" in changed
    before, after, change = changed["TUR"]
    assert float(after) > float(before) and float(change) > 0
    assert "changes=new+dca+TUR-PAK" in page.url or "changes=new%20dca" in page.url
    # a malformed change: 4xx, message next to the still-filled form
    page.fill("#f-changes", "EU>TUR trade lots")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#form-error")
    assert page.input_value("#f-changes") == "EU>TUR trade lots"
    assert [e for e in errors if "status of 4" not in e] == []   # the 4xx itself is logged by the browser


def test_register_create_edit_approve_and_stale_edit(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server + "/register/login")
    page.fill("#f-user", "planner")
    page.fill("#f-pass", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/register$"))
    page.goto(live_server + "/register/new")
    page.fill("#f-title", "Naval staff talks")
    page.select_option("#f-type", "staff_talks")
    page.fill("#f-partners", "Pakistan")
    page.fill("#f-start", "2026-05-04")
    page.fill("#f-end", "2026-05-05")
    page.fill("#f-est", "9000")
    page.click("#engagement-form button[type=submit]")
    page.wait_for_url(re.compile(r"/register/engagements/\d+$"))
    detail = page.url
    assert page.locator("#status").inner_text() == "proposed"
    # two tabs open the edit form at the same version
    page.goto(detail + "/edit")
    other = context.new_page()
    other.goto(detail + "/edit")
    page.fill("#f-location", "Karachi")
    page.click("#engagement-form button[type=submit]")
    page.wait_for_url(detail)
    assert "Karachi" in page.locator("main").inner_text()
    other.fill("#f-location", "Lahore")
    other.click("#engagement-form button[type=submit]")
    other.wait_for_selector("#form-error")
    assert "version" in other.locator("#form-error").inner_text().lower()
    assert other.input_value("#f-location") == "Lahore"          # the form is still filled
    page.goto(detail)
    assert "Karachi" in page.locator("main").inner_text()         # the stale edit changed nothing
    page.click("text=Move to planned")
    page.wait_for_url(detail)
    assert page.locator("#status").inner_text() == "planned"
    context.close()
    approver = browser.new_context()
    page = approver.new_page()
    page.goto(live_server + "/register/login")
    page.fill("#f-user", "approver")
    page.fill("#f-pass", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/register$"))
    page.goto(detail)
    page.click("main button:text('Approve')")
    page.wait_for_url(detail)
    assert page.locator("#status").inner_text() == "approved"
    approver.close()


def test_no_secret_record_for_a_reader(browser, live_server):
    context = browser.new_context()
    sign_in(context, live_server, "reader")
    page = context.new_page()
    seen = []
    for path in ["/register", "/register/calendar?month=2026-03", "/register/trajectory?partner=PAK",
                 "/register/coherence?priority=PAK", "/register?q=Covert", "/register/engagements/3",
                 "/register/engagements/3/edit", "/dyad?a=USA&b=PAK"]:
        page.goto(live_server + path)
        text = page.content()
        seen.append(path)
        assert SECRET_TITLE not in text, path
        assert ">SECRET<" not in text and "SECRET</td>" not in text, path
    for path in ["/api/register/export/engagements?format=csv", "/api/register/export/engagements?format=json",
                 "/api/register/engagements", "/api/register/engagements/3"]:
        body = context.request.get(live_server + path).text()
        assert SECRET_TITLE not in body and '"SECRET"' not in body, path
    page.goto(live_server + "/register?q=Covert")
    assert "0 engagements you may see" in page.inner_text("main")
    # the reader does see the OFFICIAL records
    page.goto(live_server + "/register")
    assert "Defence staff talks" in page.content()
    context.close()


def test_keyboard_only(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server + "/leverage?target=PAK&year=2010")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    # from the main content, Tab reaches the target box; type a country and submit with Enter
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-target":
            break
    assert page.evaluate("document.activeElement.id") == "f-target"
    page.keyboard.press("Control+A")
    page.keyboard.type("IND")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"target=IND"))
    page.wait_for_function("document.querySelector('main h1').textContent.includes('India')")
    # the register: sign in with the keyboard alone
    page.goto(live_server + "/register/login")
    page.focus("#f-user")
    page.keyboard.type("reader")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/register$"))
    assert "Engagements" in page.locator("main h1").inner_text()
    context.close()


def test_readme_screenshots_come_from_the_suite():
    """The README shows screenshots of the leverage and broker pages; they are the files this suite
    saves (copied to docs/images when they change, see the README)."""
    for name in ("leverage", "brokers"):
        shot = SHOTS / f"{name}.png"
        if not shot.exists():
            pytest.skip("run the page tests first")
        committed = HERE.parents[1] / "docs" / "images" / f"workbench-{name}.png"
        assert committed.exists(), committed
        if os.environ.get("SUASION_UPDATE_SCREENSHOTS") == "1":
            shutil.copyfile(shot, committed)
