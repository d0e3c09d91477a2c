"""Dyadic indices against independent computations on real GDELT rows and hand-computable series."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from suasion.events.api import cooperation_channel, dyad_events, event_alerts, ingest_events, top_partners
from suasion.events.errors import EventStoreError, UnknownEventActorError
from suasion.events.indices import ewma, ols_slope, shift_alerts
from suasion.events.reference import DEFENCE_CODE_PREFIXES
from suasion.events.store import EventStore

from .helpers import A1CC, A2CC, EVENTCODE, FIXTURES, MENTIONS, dyad_stats, raw_rows

V2 = FIXTURES / "gdelt2_20170701234500_head400.export.CSV"
FULL_V2 = Path("events") / "gdelt_v2" / "gdelt2_events_20170701234500_reconstructed.export.tsv.gz"


@pytest.fixture(scope="module")
def full_store(
    tmp_path_factory: pytest.TempPathFactory, shared_data: Path
) -> tuple[EventStore, list[list[str]]]:
    store = EventStore(tmp_path_factory.mktemp("events") / "store")
    ingest_events([shared_data / FULL_V2], store=store)
    return store, raw_rows(shared_data / FULL_V2)


@pytest.mark.parametrize("a, b", [("FRA", "USA"), ("GBR", "USA"), ("CHN", "USA"), ("IND", "PAK")])
def test_directed_month_counts_and_sums_match_raw_rows(full_store, a: str, b: str) -> None:
    store, rows = full_store
    frame = dyad_events(a, b, freq="month", store=store)
    assert not frame.empty
    for row in frame.itertuples():
        month = row.period.replace("-", "")
        expect = dyad_stats(rows, row.source, row.target, month=month, directed=True)
        assert row.events == expect["events"]
        assert (row.verbal_coop, row.material_coop, row.verbal_conflict, row.material_conflict) == (
            expect["q1"],
            expect["q2"],
            expect["q3"],
            expect["q4"],
        )
        assert row.goldstein_sum == pytest.approx(expect["gsum"])
        assert row.goldstein_mean == pytest.approx(expect["gsum"] / expect["events"])
        den = expect["coop"] + expect["conf"]
        if den:
            assert row.coop_ratio == pytest.approx((expect["coop"] - expect["conf"]) / den)
    total = dyad_stats(rows, a, b)["events"]
    assert frame["events"].sum() == total


def test_mention_weighted_undirected_year(full_store) -> None:
    store, rows = full_store
    frame = dyad_events("GBR", "USA", freq="year", directed=False, weight="mentions", store=store)
    expect = dyad_stats(rows, "GBR", "USA", weight_index=MENTIONS)
    assert list(frame["source"]) == ["GBR"] and list(frame["target"]) == ["USA"]
    assert frame.loc[0, "events"] == expect["events"]
    assert frame.loc[0, "goldstein_mean"] == pytest.approx(expect["gsum"] / expect["wsum"])


def test_reference_worked_example(full_store) -> None:
    """Reference §13 worked example: international dyads of the export after the §12 de-duplication."""
    store, _ = full_store
    fra = dyad_events("FRA", "USA", freq="year", directed=False, dedup="day-dyad-code-url", store=store).iloc[
        0
    ]
    assert (fra.events, fra.verbal_coop, fra.material_coop, fra.verbal_conflict, fra.material_conflict) == (
        34,
        18,
        11,
        2,
        3,
    )
    assert fra.goldstein_sum == pytest.approx(125.1)
    assert round(fra.goldstein_mean, 2) == 3.68 and round(fra.coop_ratio, 2) == 0.70
    assert fra.net_quad == 18 + 22 - 2 - 6 and round(fra.log_ratio, 2) == 1.61
    fra_w = dyad_events(
        "FRA", "USA", freq="year", directed=False, dedup="day-dyad-code-url", weight="mentions", store=store
    ).iloc[0]
    assert round(fra_w.goldstein_mean, 2) == 3.37
    gbr = dyad_events("GBR", "USA", freq="year", directed=False, dedup="day-dyad-code-url", store=store).iloc[
        0
    ]
    gbr_w = dyad_events(
        "GBR", "USA", freq="year", directed=False, dedup="day-dyad-code-url", weight="mentions", store=store
    ).iloc[0]
    assert gbr.events == 17 and gbr.goldstein_sum == pytest.approx(4.4) and round(gbr.coop_ratio, 2) == 0.05
    assert round(gbr_w.goldstein_mean, 2) == -2.14


def test_volume_shares(full_store) -> None:
    store, rows = full_store
    frame = dyad_events("FRA", "USA", freq="year", store=store)
    states = [
        r
        for r in rows
        if r[A1CC]
        and r[A2CC]
        and r[A1CC] != r[A2CC]
        and r[1].startswith("2017")
        and not {r[A1CC], r[A2CC]} & {"AFR", "EUR", "WST", "SEA", "NMR", "SAS", "MEA", "CRB", "SAF", "PGS"}
    ]
    row = frame[frame.source == "FRA"].iloc[0]
    assert row.period == "2017"
    out_fra = sum(r[A1CC] == "FRA" for r in states)
    in_usa = sum(r[A2CC] == "USA" for r in states)
    assert row.share == pytest.approx(row.events / (out_fra + in_usa))
    assert row.volume_share == pytest.approx(row.events / len(states))


def test_period_filter_and_week(full_store) -> None:
    store, rows = full_store
    june = dyad_events("FRA", "USA", freq="week", start="2017-06-01", end="2017-06-30", store=store)
    expect = sum(1 for r in rows if {r[A1CC], r[A2CC]} == {"FRA", "USA"} and "20170601" <= r[1] <= "20170630")
    assert june["events"].sum() == expect
    assert all(pd.Timestamp(p).day_of_week == 0 for p in june["period"])  # weeks start on Monday


def test_defence_filter_matches_an_independent_filter(full_store) -> None:
    store, rows = full_store
    pairs: dict[frozenset, int] = {}
    for r in rows:
        if (
            r[A1CC]
            and r[A2CC]
            and r[A1CC] != r[A2CC]
            and any(r[EVENTCODE].startswith(p) for p in DEFENCE_CODE_PREFIXES)
            and any(t in {"MIL", "GOV"} for t in (r[12], r[13], r[14], r[22], r[23], r[24]))
        ):
            key = frozenset((r[A1CC], r[A2CC]))
            pairs[key] = pairs.get(key, 0) + 1
    assert sum(pairs.values()) > 20
    for pair, expect in sorted(pairs.items(), key=lambda kv: -kv[1])[:3]:
        a, b = sorted(pair)
        frame = dyad_events(a, b, freq="year", directed=False, defence=True, store=store)
        assert int(frame["events"].sum()) == expect, (a, b)


def test_top_partners(full_store) -> None:
    store, rows = full_store
    top = top_partners("USA", n=5, store=store)
    counts: dict[str, int] = {}
    for r in rows:
        if r[A1CC] == "USA" and r[A2CC] not in ("", "USA"):
            counts[r[A2CC]] = counts.get(r[A2CC], 0) + 1
        elif r[A2CC] == "USA" and r[A1CC] not in ("", "USA"):
            counts[r[A1CC]] = counts.get(r[A1CC], 0) + 1
    states = {k: v for k, v in counts.items() if k not in {"AFR", "EUR", "WST", "SEA", "NMR", "SAS", "MEA"}}
    best = sorted(states.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    assert list(zip(top["partner"], top["events"])) == best


def test_cooperation_channel_is_tidy(full_store) -> None:
    store, _ = full_store
    channel = cooperation_channel(store=store)
    assert list(channel.columns) == ["source", "target", "year", "value"]
    assert channel["value"].dropna().between(-1, 1).all()
    assert not channel.duplicated(["source", "target", "year"]).any()
    fra = dyad_events("FRA", "USA", freq="year", store=store)
    got = channel[(channel.source == "FRA") & (channel.target == "USA") & (channel.year == 2017)][
        "value"
    ].iloc[0]
    assert got == pytest.approx(fra[fra.source == "FRA"]["coop_ratio"].iloc[0])


def test_query_errors(full_store, tmp_path: Path) -> None:
    store, _ = full_store
    with pytest.raises(UnknownEventActorError, match="XYZ"):
        dyad_events("PAK", "XYZ", store=store)
    with pytest.raises(UnknownEventActorError, match="region"):
        top_partners("EUR", store=store)
    with pytest.raises(EventStoreError, match="holds no events"):
        dyad_events("PAK", "IND", store=EventStore(tmp_path / "empty"))
    with pytest.raises(ValueError, match="frequency"):
        dyad_events("PAK", "IND", freq="fortnight", store=store)


def test_mixed_datasets_need_a_choice(tmp_path: Path) -> None:
    store = EventStore(tmp_path / "s")
    ingest_events([V2, FIXTURES / "icews_2018_head300.tab"], store=store)
    with pytest.raises(EventStoreError, match="several datasets"):
        dyad_events("USA", "CHN", store=store)
    with pytest.raises(EventStoreError, match="no mentions"):
        dyad_events("USA", "CHN", dataset="icews", weight="mentions", store=store)


def test_ewma_and_slope_by_hand() -> None:
    x = pd.Series([1.0, 3.0, np.nan, 5.0])
    assert list(ewma(x, 0.5)) == [1.0, 2.0, 2.0, 3.5]
    assert ols_slope(np.array([1.0, 3.0, 5.0])) == pytest.approx(2.0)
    assert math.isnan(ols_slope(np.array([np.nan, 1.0])))


def test_shift_alerts_find_a_break() -> None:
    periods = pd.date_range("2020-01-01", periods=16, freq="MS")
    values = [10, 11, 9, 10, 12, 10, 9, 11, 10, 11, 10, -30, 10, 11, 10, 9]
    frame = pd.DataFrame(
        {"period": periods, "source": "AAA", "target": "BBB", "goldstein_sum": values, "events": 5}
    )
    alerts = shift_alerts(frame, window=8, threshold=3.0)
    assert list(alerts["period"]) == [periods[11]]
    assert alerts.loc[0, "direction"] == "more hostile"
    history = np.array(values[3:11], dtype=float)
    assert alerts.loc[0, "score"] == pytest.approx((-30 - history.mean()) / history.std(ddof=1))
    cusum = shift_alerts(frame, window=8, method="cusum")
    assert periods[11] in list(cusum["period"])
    quiet = shift_alerts(frame.assign(events=1), window=8, threshold=3.0, min_events=3)
    assert quiet.empty


def test_alerts_run_on_the_store(full_store) -> None:
    store, _ = full_store
    alerts = event_alerts("USA", freq="day", window=10, threshold=2.0, min_events=2, store=store)
    assert list(alerts.columns)[:4] == ["period", "source", "target", "metric"]
    assert ((alerts["source"] == "USA") | (alerts["target"] == "USA")).all()
    assert (alerts["score"].abs() >= 2.0).all()


def test_icews_dyad_against_the_raw_file(tmp_path: Path) -> None:
    import csv

    icews = FIXTURES / "icews_2018_head300.tab"
    store = EventStore(tmp_path / "s")
    ingest_events([icews], store=store)
    with open(icews, encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh, delimiter="\t"))
    pairs: dict[tuple[str, str], list[float]] = {}
    for r in raw:
        a, b = r["Source Country"], r["Target Country"]
        if a and b and a != b and "NA" not in (a, b):
            pairs.setdefault((a, b), []).append(float(r["Intensity"]))
    (a_name, b_name), values = max(pairs.items(), key=lambda kv: len(kv[1]))
    from suasion.events.reference import icews_country_to_iso3

    a, b = icews_country_to_iso3()[a_name], icews_country_to_iso3()[b_name]
    frame = dyad_events(a, b, freq="day", store=store)
    forward = frame[(frame.source == a) & (frame.target == b)]
    assert forward["events"].sum() == len(values)
    assert forward["goldstein_sum"].sum() == pytest.approx(sum(values))
