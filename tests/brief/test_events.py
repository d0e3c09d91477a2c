"""The event trend of a brief: the target's partners over the 12 months to the store's last event,
checked against a constructed GDELT 2.0 file whose counts are known by hand and against the API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import suasion
from suasion.brief import formats

from .conftest import DATE
from .helpers import Page

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "events" / "gdelt2_20170701234500_head400.export.CSV"

#: (day, actor1, actor2, CAMEO code, root, QuadClass, Goldstein)
COOP = ("042", "04", "1", "1.9")
CONFLICT = ("172", "17", "4", "-5.0")


def _events() -> list[tuple[str, str, str, tuple[str, str, str, str]]]:
    rows = []
    for month in range(1, 13):                      # 2017: PAK–CHN, `month` cooperative events a month
        for k in range(month):
            rows.append((f"2017{month:02d}{k + 1:02d}", "PAK", "CHN", COOP))
    for month in (3, 9):                            # PAK–IND: two conflict events in March and September
        rows += [(f"2017{month:02d}15", "IND", "PAK", CONFLICT)] * 2
    rows.append(("20161120", "PAK", "USA", COOP))   # before the 12-month window
    rows.append(("20171205", "PAK", "USA", COOP))
    return rows


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    template = FIXTURE.read_text(encoding="utf-8").splitlines()[9].split("\t")     # an EGY–SAU state dyad row
    lines = []
    for n, (day, a, b, (code, root, quad, goldstein)) in enumerate(_events()):
        f = list(template)
        f[0], f[1], f[2], f[3] = str(900000000 + n), day, day[:6], day[:4]
        f[4] = f"{int(day[:4]) + (int(day[4:6]) - 1) / 12:.4f}"
        f[5], f[7], f[15], f[17] = a, a, b, b
        f[26], f[27], f[28], f[29], f[30] = code, code, root, quad, goldstein
        lines.append("\t".join(f))
    raw = tmp_path_factory.mktemp("events") / "20171231000000.export.CSV"
    raw.write_text("\n".join(lines) + "\n", encoding="utf-8")
    folder = raw.parent / "store"
    report = suasion.ingest_events([raw], store=folder, format="gdelt2")
    assert int(report["rows_written"].iloc[0]) == len(lines)
    return folder


def test_country_brief_event_signal(store) -> None:
    b = suasion.brief("EU", "PAK", kind="country", events=store, date=DATE)
    ev = b.data.events
    assert ev.focus == "PAK" and ev.end == dt.date(2017, 12, 12) and ev.start == dt.date(2017, 1, 1)
    rows = {r[0].split()[0]: r for r in Page(b.html).rows("events")}
    assert rows["CHN"][1] == str(sum(range(1, 13)))          # 78 by hand
    assert rows["IND"][1] == "4" and rows["USA"][1] == "1"    # the 2016 event is outside the window
    api = suasion.top_partners("PAK", start=ev.start, end=ev.end, n=5, store=store).set_index("partner")
    for partner, row in rows.items():
        assert row[1] == str(int(api.loc[partner, "events"]))
        assert row[3] == formats.ratio(api.loc[partner, "coop_ratio"])
    assert "78 events" in b.html                             # the key point on the main partner


def test_minister_brief_series_with_the_principal_and_brokers(store) -> None:
    b = suasion.brief("CHN", "PAK", events=store, date=DATE)
    series = b.data.events.series
    assert list(series["CHN"]["events"]) == list(range(1, 13))
    assert "Event trend, last 12 months" in b.html


def test_a_date_before_the_data_leaves_an_empty_window(store) -> None:
    b = suasion.brief("EU", "PAK", kind="country", events=store, date="2016-06-01")
    assert b.data.events is None and "no event" in b.data.events_note
