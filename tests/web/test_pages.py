"""The workbench without a browser: every page from the bundled panel, the CSP, bad input as a 4xx
page with the form still filled, downloads equal to the CLI's output, and the register's
clearance and CSRF rules on every register page."""

from __future__ import annotations

import json
import re

import pytest

from tests.web.conftest import PASSWORD, SECRET_TITLE, sign_in

PAGES = [
    "/", "/leverage", "/leverage?target=PAK&year=2010", "/leverage?target=Pakistan&year=2010&model=fbic",
    "/leverage/of?source=USA&year=2010", "/leverage?target=EU&year=2010", "/dyad", "/dyad?a=USA&b=PAK",
    "/brokers", "/brokers?principal=EU&target=PAK&year=2010&hops=2", "/incentives?principal=EU&broker=TUR&year=2010",
    "/whatif", "/whatif?principal=EU&target=PAK&year=2010&changes=EU%3ETUR+trade+%2B20%25",
    "/network", "/network?year=2010&region=NATO&top=20", "/negotiation", "/negotiation?actor=TUR&runs=5", "/data",
    "/register/login",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_from_the_bundled_panel(client, path):
    r = client.get(path)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert html.count("<h1") == 1
    # strict CSP: no inline script or style anywhere, every script from this origin
    assert re.findall(r"<script(?![^>]*\bsrc=\"/static/)", html) == []
    assert " style=" not in html and "<style" not in html
    assert re.findall(r'(?:src|href|action)="(?:https?:)?//', html) == []   # nothing loads from elsewhere


def test_security_headers(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe" not in csp and "http" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"


def test_leverage_page_shows_data_years_and_flags(client):
    html = client.get("/leverage?target=PAK&year=2010").text
    assert "Leverage over Pakistan (PAK) in 2010" in html
    assert html.count('<small class="flag">') >= 25            # a note under every score
    assert "observed 2010" in html
    html_2020 = client.get("/leverage?target=PAK&year=2020").text
    assert "carried forward from" in html_2020 or "oldest input" in html_2020   # trade ends in 2014
    assert 'id="map"' in html and 'id="bars"' in html and 'id="map-table"' in html and 'id="leverage-table"' in html


def test_unknown_country_suggests_and_keeps_the_form(client):
    r = client.get("/leverage?target=Pakistn&year=2010")
    assert r.status_code == 422
    assert "unknown actor &#39;Pakistn&#39;" in r.text
    assert 'value="Pakistn"' in r.text                            # still filled in
    assert 'href="/leverage?target=PAK&amp;year=2010&amp;model=suasion"' in r.text   # a suggestion link
    assert "Traceback" not in r.text


@pytest.mark.parametrize("query, field", [
    ("/leverage?target=PAK&year=1900", "1900 is outside"),
    ("/leverage?target=PAK&year=twenty", "year: must be a whole number"),
    ("/leverage?target=PAK&model=nonsense", "model: must be one of"),
    ("/brokers?principal=EU&target=EU", "choose two different actors"),
    ("/brokers?principal=EU&target=PAK&hops=9", "hops: must be between 1 and 4"),
    ("/network?region=Atlantis", "unknown bloc"),
    ("/negotiation?runs=-1", "runs: must be between"),
])
def test_bad_input_is_a_4xx_page(client, query, field):
    r = client.get(query)
    assert 400 <= r.status_code < 500
    assert field in r.text.replace("&#39;", "'")
    assert 'id="form-error"' in r.text


def test_malformed_whatif_keeps_the_scenario(client):
    r = client.get("/whatif?principal=EU&target=PAK&year=2010&changes=EU%3ETUR+trade+lots")
    assert 400 <= r.status_code < 500
    assert "expected" in r.text                                    # the syntax the CLI prints
    assert "EU&gt;TUR trade lots</textarea>" in r.text


def test_downloads_equal_the_cli_json(client, cli):
    api = client.get("/api/leverage/over?target=PAK&year=2010&format=json").json()
    result = cli("leverage", "over", "PAK", "--year", "2010", "--top", "0", "--format", "json")
    assert result.exit_code == 0, result
    assert api == json.loads(result.stdout)
    brokers = client.get("/api/brokers?principal=EU&target=PAK&year=2010").json()
    cli_brokers = json.loads(cli("brokers", "--principal", "EU", "--target", "PAK", "--year", "2010", "--top", "0",
                                 "--format", "json").stdout)
    assert [b["broker"] for b in brokers] == [b["broker"] for b in cli_brokers]
    csv = client.get("/api/leverage/over?target=PAK&year=2010&format=csv")
    assert csv.headers["content-type"].startswith("text/csv")
    header = csv.text.splitlines()[0].split(",")
    assert "score" in header and "alliance_flag" in header
    assert len(csv.text.splitlines()) == len(api) + 1


def test_api_errors_are_json_4xx(client):
    r = client.get("/api/leverage/over?target=Pakistn")
    assert r.status_code == 422 and r.json()["error"] == "UnknownActorError"
    r = client.get("/api/brokers?principal=EU")
    assert r.status_code == 422 and "target: is required" in r.json()["detail"]
    r = client.get("/api/leverage/over?target=PAK&format=xml")
    assert r.status_code == 422


def test_register_api_is_mounted_with_its_rules(client):
    client.cookies.clear()
    assert client.get("/api/register/engagements").status_code == 401
    r = client.post("/api/register/auth/login", json={"username": "reader", "password": PASSWORD})
    assert r.status_code == 200
    items = client.get("/api/register/engagements").json()["items"]
    assert {e["classification"] for e in items} == {"OFFICIAL"}
    # a cookie session without the CSRF header may not write
    r = client.post("/api/register/engagements", json={"title": "x"})
    assert r.status_code == 401 and "CSRF" in r.json()["detail"]
    client.cookies.clear()


REGISTER_PAGES = ["/register", "/register/calendar?month=2026-03", "/register/engagements/1",
                  "/register/engagements/1/edit", "/register/new", "/register/trajectory?partner=PAK",
                  "/register/coherence?priority=PAK", "/register/plan?budget=100000&priorities=PAK%3D3",
                  "/register?q=liaison", "/register/engagements/3", "/register/engagements/3/edit",
                  "/dyad?a=USA&b=PAK"]


def test_reader_never_sees_the_secret_record(client):
    sign_in(client, "reader")
    for path in REGISTER_PAGES:
        r = client.get(path)
        assert r.status_code < 500, path
        assert SECRET_TITLE not in r.text, path
        assert "liaison" not in r.text.replace('value="liaison"', ""), path
        assert ">SECRET<" not in r.text, path
    assert client.get("/register/engagements/3").status_code == 404
    for path in ("/api/register/export/engagements?format=csv", "/api/register/engagements/3"):
        assert SECRET_TITLE not in client.get(path).text
    client.cookies.clear()


def test_cleared_user_sees_it_under_a_secret_banner(client):
    sign_in(client, "chief")
    html = client.get("/register").text
    assert SECRET_TITLE in html
    assert re.search(r'class="banner"[^>]*>SECRET</p>', html)
    official = client.get("/register?q=Port").text                  # only OFFICIAL records shown
    assert re.search(r'class="banner"[^>]*>OFFICIAL</p>', official)
    dyad = client.get("/dyad?a=USA&b=PAK").text                     # engagements with PAK listed there
    assert SECRET_TITLE in dyad and re.search(r'class="banner"[^>]*>SECRET</p>', dyad)
    sign_in(client, "reader")
    dyad = client.get("/dyad?a=USA&b=PAK").text
    assert "Defence staff talks" in dyad and re.search(r'class="banner"[^>]*>OFFICIAL</p>', dyad)
    client.cookies.clear()


def test_register_forms_need_the_csrf_token(client):
    sign_in(client, "planner")
    r = client.post("/register/new", data={"title": "x", "type": "staff_talks", "partners": "PAK",
                                           "start_date": "2026-01-01", "end_date": "2026-01-02"})
    assert r.status_code == 401 and "security token" in r.text
    r = client.post("/register/engagements/1/approve", data={"version": "1", "csrf": "forged"})
    assert r.status_code == 401
    client.cookies.clear()


def test_register_pages_ask_to_sign_in(client):
    client.cookies.clear()
    r = client.get("/register/calendar?month=2026-03", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/register/login?next=")
    r = client.post("/register/login", data={"username": "chief", "password": "wrong password!!"})
    assert r.status_code == 401 and "wrong user name or password" in r.text and 'value="chief"' in r.text


def test_negotiation_upload(client):
    text = "actor,issue,position,salience,capability\nA,tax,0,1,1\nB,tax,100,1,3\n"
    r = client.post("/negotiation", data={"runs": "0", "actor": "", "format": "csv"},
                    files={"file": ("talks.csv", text.encode(), "text/csv")})
    assert r.status_code == 200, r.text[-500:]
    # compromise: capability x salience weighted mean = (0*1 + 100*3) / 4 = 75
    assert re.search(r"compromise</td><td class=\"num\">75\.0<", r.text)
    bad = client.post("/negotiation", data={"text": "actor,issue,position\nA,tax,abc\n", "format": "csv", "runs": "0"})
    assert bad.status_code in (400, 422) and 'id="form-error"' in bad.text


def test_serve_validates_its_options(cli, tmp_path):
    r = cli("serve", "--port", "0")
    assert r.exit_code == 2 and "--port" in r.stderr and "Traceback" not in r.stderr
    r = cli("serve", "--port", "70000")
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    r = cli("serve", "--register", "nosuchdriver://x/y")
    assert r.exit_code == 2 and "nosuchdriver" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = cli("serve", "--register", str(tmp_path / "typo.sqlite"))
    assert r.exit_code == 2 and "no register at" in r.stderr and not (tmp_path / "typo.sqlite").exists()


def test_without_a_register_the_workbench_serves_and_says_how_to_create_one(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from suasion.web.app import create_app

    monkeypatch.setenv("SUASION_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SUASION_REGISTER_URL", raising=False)
    client = TestClient(create_app(None))
    page = client.get("/register/login")
    assert page.status_code == 200 and "runs without an engagement register" in page.text
    assert client.post("/register/login", data={"username": "a", "password": "b"}).status_code == 404
    assert client.get("/register", follow_redirects=False).status_code in (303, 307)
    assert not any((tmp_path / "home").rglob("*.sqlite"))


def test_dyad_page_shows_event_data_when_a_store_is_configured(register_path, tmp_path):
    from fastapi.testclient import TestClient

    import suasion
    from suasion.web.app import create_app
    from tests.conftest import FIXTURES

    store = tmp_path / "events"
    suasion.ingest_events([FIXTURES / "events" / "gdelt2_20170701234500_head400.export.CSV"], store=store)
    with TestClient(create_app(str(register_path), event_store=str(store)), headers={"accept": "text/html"}) as c:
        html = c.get("/dyad?a=USA&b=AFG").text
        assert 'id="events-table"' in html and 'id="events"' in html      # chart and its table
        assert "2017-07" in html
        assert "no events between USA and RUS" in c.get("/dyad?a=USA&b=RUS").text


def test_life_cycle_to_assessed_through_the_forms(client):
    csrf = sign_in(client, "chief")
    r = client.post("/register/new", data={"csrf": csrf, "title": "Exercise Sea Breeze", "type": "exercise",
                                           "partners": "PAK", "start_date": "2026-02-01", "end_date": "2026-02-03",
                                           "level": "working", "lead_department": "defence", "currency": "GBP"},
                    follow_redirects=False)
    assert r.status_code == 303
    detail = r.headers["location"]
    for version, action, data in ((1, "transition", {"to": "planned"}), (2, "approve", {}),
                                  (3, "transition", {"to": "executed"})):
        r = client.post(f"{detail}/{action}", data={"csrf": csrf, "version": str(version), **data},
                        follow_redirects=False)
        assert r.status_code == 303, r.text[-400:]
    page = client.get(detail).text
    assert 'id="assess-form"' in page and ">executed<" in page
    r = client.post(f"{detail}/assess", data={"csrf": csrf, "version": "3", "date": "2026-02-10", "rating": "4",
                                              "narrative": "agreed a calendar"}, follow_redirects=False)
    assert r.status_code == 409                                   # stale: the engagement is at version 4
    assert "version" in r.text
    r = client.post(f"{detail}/assess", data={"csrf": csrf, "version": "4", "date": "2026-02-10", "rating": "4",
                                              "narrative": "agreed a calendar"}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(detail).text
    assert ">assessed<" in page and "rating 4/5" in page and "agreed a calendar" in page
    client.cookies.clear()


def test_malformed_path_and_method_are_4xx_pages(client):
    r = client.get("/register/engagements/not-a-number")
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html") and "<h1>422</h1>" in r.text
    assert client.post("/leverage").status_code == 405
    assert client.get("/api/leverage/over", params={"target": "PAK", "year": "x" * 5000}).status_code == 422
