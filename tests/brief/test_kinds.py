"""All three kinds of brief render as HTML and Markdown with their sections."""

from __future__ import annotations

import suasion

from .conftest import DATE
from .helpers import Page


def test_minister_sections(eu_pak) -> None:
    page = Page(eu_pak.html)
    for section in ("bottom-line", "key-points", "movers", "own", "history", "brokers", "options", "forecast"):
        assert page.has(section), section
    assert "<svg" in eu_pak.html
    md = eu_pak.markdown
    assert md.startswith("**UNCLASSIFIED**") and "## Bottom line" in md and "## Options" in md
    assert "| rank | source | score |" in md and "<" not in md.replace("<br>", "")


def test_meeting_sections_and_numbers(eu_tur_meeting) -> None:
    b = eu_tur_meeting
    assert b.data.broker == "TUR"
    page = Page(b.html)
    for section in ("objectives", "broker-over-target", "broker-channels", "menu", "exchanges", "background"):
        assert page.has(section), section
    menu = suasion.incentives("EU", "TUR", b.data.year).head(5)
    assert [r[1] for r in page.rows("menu")] == list(menu["lever"])
    exchanges = suasion.exchanges(b.data.scenario, "TUR", partner="EU").head(3)
    assert [r[0] for r in page.rows("exchanges")] == list(exchanges["gives_on"])
    over = suasion.leverage_over("PAK", b.data.year)
    tur = over[over["source"] == "TUR"].iloc[0]
    from suasion.brief import formats

    assert formats.score(tur["score"]) in page.text("broker-over-target")


def test_markdown_of_every_kind(eu_tur_meeting, pak_country) -> None:
    for b, heading in ((eu_tur_meeting, "## What Turkey wants from us"), (pak_country, "## Whom Pakistan can move")):
        md = b.markdown
        assert md.startswith(f"**{b.marking}**") and heading in md
        assert all(s.text in md for s in b.key_points)
        assert "<svg" not in md and "<table" not in md


def test_meeting_without_broker_takes_the_best(gbr_pak) -> None:
    b = suasion.brief("GBR", "PAK", kind="meeting", date=DATE)
    assert b.data.broker == suasion.brokers("GBR", "PAK", b.data.year)["broker"].iloc[0]


def test_country_profile(pak_country) -> None:
    b = pak_country
    page = Page(b.html)
    for section in ("movers", "reach", "trends", "own"):
        assert page.has(section), section
    reach = suasion.leverage_of("PAK", b.data.year).head(5)
    assert [r[1].split()[0] for r in page.rows("reach")] == list(reach["target"])
    assert suasion.brief(None, "PAK", kind="country", date=DATE).data.principal is None
