"""A brief shows only the register records within the reader's clearance, and is marked with the
highest marking it contains."""

from __future__ import annotations

import pytest

import suasion
from suasion.errors import SuasionError

from .conftest import DATE
from .helpers import Page

PASSWORD = "correct horse battery staple"
LEVELS = ["UNCLASSIFIED", "CONFIDENTIAL", "SECRET"]


def _engagement(title: str, partners: list[str], classification: str) -> dict:
    return {"title": title, "type": "staff_talks", "partners": partners, "location": "Islamabad",
            "start_date": "2026-03-02", "end_date": "2026-03-04", "level": "senior_officer",
            "lead_department": "defence", "estimated_cost": 12000.0, "currency": "GBP",
            "classification": classification}


@pytest.fixture(scope="module")
def register_file(tmp_path_factory):
    """UNCLASSIFIED < CONFIDENTIAL < SECRET; one record of each extreme with PAK, a SECRET one with TUR
    and an unrelated one with FRA; readers cleared UNCLASSIFIED and SECRET."""
    path = tmp_path_factory.mktemp("register") / "register.sqlite"
    reg = suasion.Register(path, create=True)
    reg.init_admin("root", PASSWORD)
    root = reg.as_user("root")
    root.set_classifications(LEVELS)
    root = reg.as_user("root")                       # the bound user sees the new markings
    root.add_user({"username": "reader_u", "password": PASSWORD, "role": "viewer", "clearance": "UNCLASSIFIED"})
    root.add_user({"username": "reader_s", "password": PASSWORD, "role": "viewer", "clearance": "SECRET"})
    root.add(_engagement("Staff talks on border liaison", ["PAK"], "UNCLASSIFIED"))
    root.add(_engagement("Covert liaison channel", ["PAK"], "SECRET"))
    root.add(_engagement("Turkish mediation sounding", ["TUR"], "SECRET"))
    root.add(_engagement("Unrelated visit to France", ["FRA"], "UNCLASSIFIED"))
    root.add_objective({"title": "Quiet channel to Rawalpindi", "partners": ["PAK"], "aim": "access_influence",
                        "owner": "MoD policy", "classification": "SECRET"})
    reg.close()
    return path


def _brief(path, user, **kw):
    return suasion.brief("EU", "PAK", register=path, user=user, password=PASSWORD, date=DATE, **kw)


def test_unclassified_reader_sees_no_secret_record(register_file) -> None:
    b = _brief(register_file, "reader_u")
    assert b.marking == "UNCLASSIFIED"
    page = Page(b.html)
    rows = page.rows("engagements")
    assert [r[2] for r in rows] == ["Staff talks on border liaison"]
    assert rows[0][0] == "(UNCLASSIFIED)"
    for text in (b.html, b.markdown):
        assert "Covert liaison" not in text and "Turkish mediation" not in text and "Rawalpindi" not in text
        assert "SECRET" not in text
        assert "Unrelated visit" not in text          # not a partner of the brief
    assert "<title>" in b.html and "(UNCLASSIFIED)</title>" in b.html


def test_secret_reader_sees_all_and_the_brief_is_marked_secret(register_file) -> None:
    b = _brief(register_file, "reader_s")
    assert b.marking == "SECRET"
    page = Page(b.html)
    titles = [r[2] for r in page.rows("engagements")]
    assert "Covert liaison channel" in titles and "Staff talks on border liaison" in titles
    # the brokers of the minister brief are engagement partners too, when the register holds any with them
    brokers = list(suasion.brokers("EU", "PAK", b.data.year).head(3)["broker"])
    assert ("Turkish mediation sounding" in titles) == ("TUR" in brokers)
    assert b.html.count(">SECRET<") >= 2             # marking at the top and the bottom
    assert '@top-center { content: "SECRET"; }' in b.html
    assert b.markdown.startswith("**SECRET**") and b.markdown.rstrip().endswith("**SECRET**")


def test_meeting_brief_shows_objectives_within_clearance(register_file) -> None:
    secret = _brief(register_file, "reader_s", kind="meeting", broker="TUR")
    assert "Quiet channel to Rawalpindi" in secret.html and "Turkish mediation sounding" in secret.html
    assert secret.marking == "SECRET"
    low = _brief(register_file, "reader_u", kind="meeting", broker="TUR")
    assert "Rawalpindi" not in low.html and "Turkish mediation" not in low.html
    assert low.marking == "UNCLASSIFIED"


def test_marking_option_is_a_floor_within_the_readers_clearance(register_file) -> None:
    assert _brief(register_file, "reader_u", marking="unclassified", kind="country").marking == "UNCLASSIFIED"
    assert _brief(register_file, "reader_s", marking="CONFIDENTIAL", kind="country").marking == "SECRET"
    with pytest.raises(SuasionError, match="above the reader's clearance"):
        _brief(register_file, "reader_u", marking="CONFIDENTIAL")
    with pytest.raises(SuasionError, match="not a marking of the register"):
        _brief(register_file, "reader_u", marking="TOP SECRET")


def test_default_markings_with_an_official_reader(tmp_path) -> None:
    path = tmp_path / "official.sqlite"
    reg = suasion.Register(path, create=True)
    reg.init_admin("root", PASSWORD)
    root = reg.as_user("root")
    root.add_user({"username": "desk", "password": PASSWORD, "role": "viewer", "clearance": "OFFICIAL"})
    root.add(_engagement("Port call Karachi", ["PAK"], "OFFICIAL"))
    root.add(_engagement("Liaison cell", ["PAK"], "SECRET"))
    reg.close()
    b = _brief(path, "desk", kind="country")
    assert b.marking == "OFFICIAL"
    assert "Port call Karachi" in b.html and "Liaison cell" not in b.html and "SECRET" not in b.html


def test_wrong_password_and_missing_reader(register_file) -> None:
    with pytest.raises(SuasionError, match="wrong user name or password"):
        suasion.brief("EU", "PAK", register=register_file, user="reader_u", password="not the password")
    with pytest.raises(SuasionError, match="no reader"):
        suasion.brief("EU", "PAK", register=register_file)


def test_cli_reads_the_register_as_the_user(register_file, cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SUASION_REGISTER_PASSWORD", PASSWORD)
    monkeypatch.delenv("SUASION_REGISTER_TOKEN", raising=False)
    out = tmp_path / "brief.md"
    result = cli("brief", "--principal", "EU", "--target", "PAK", "--register", str(register_file),
                 "--user", "reader_u", "--date", DATE, "-o", str(out))
    assert result.exit_code == 0, result
    assert result.stdout.startswith("UNCLASSIFIED")
    text = out.read_text()
    assert "Staff talks on border liaison" in text and "Covert" not in text
    assert PASSWORD not in text and PASSWORD not in result.stdout


def test_token_reader_and_a_bound_register(register_file) -> None:
    reg = suasion.Register(register_file)
    token = reg.login("reader_u", PASSWORD).create_token("brief")
    by_token = suasion.brief(None, "PAK", kind="country", register=register_file, token=token, date=DATE)
    bound = suasion.brief(None, "PAK", kind="country", register=reg.as_user("reader_s"), date=DATE)
    reg.close()
    assert by_token.data.register.reader == "reader_u" and by_token.marking == "UNCLASSIFIED"
    assert bound.data.register.reader == "reader_s" and bound.marking == "SECRET"
    assert token not in by_token.html and token not in by_token.command
