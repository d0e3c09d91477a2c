"""Shipped reference tables against every real GDELT and ICEWS row."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from suasion.events.errors import UnknownEventActorError
from suasion.events.reference import (
    cameo_to_iso3,
    event_labels,
    goldstein_table,
    quad_of,
    quad_table,
    region_codes,
    resolve_state,
)

from .helpers import A1CC, A2CC, EVENTCODE, GOLDSTEIN, QUAD


def _gdelt_rows(shared_data: Path) -> list[list[str]]:
    events = shared_data / "events"
    with open(events / "gdelt_v1" / "gdelt1_backfile_57col_sample.tsv", encoding="utf-8") as fh:
        rows = [line.rstrip("\n").split("\t") for line in fh]
    with gzip.open(
        events / "gdelt_v2" / "gdelt2_events_20170701234500_reconstructed.export.tsv.gz", "rt"
    ) as fh:
        rows += [line.rstrip("\n").split("\t") for line in fh]
    with open(events / "gdelt_v1" / "undp_georgia_gdelt1_aug2012_Rexport.csv", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows += [r for r in reader]
    return rows


def test_gdelt_goldstein_table_equals_every_gdelt_row(shared_data: Path) -> None:
    table = goldstein_table("gdelt")
    rows = _gdelt_rows(shared_data)
    assert len(rows) == 201 + 6090 + 1255
    mismatches = [(r[EVENTCODE], r[GOLDSTEIN]) for r in rows if table[r[EVENTCODE]] != float(r[GOLDSTEIN])]
    assert mismatches == []


def test_gdelt_quad_scheme_equals_every_gdelt_row(shared_data: Path) -> None:
    rows = _gdelt_rows(shared_data)
    assert all(quad_of(r[EVENTCODE], "gdelt") == int(r[QUAD]) for r in rows)


def test_icews_goldstein_table_equals_every_icews_intensity(shared_data: Path) -> None:
    table = goldstein_table("icews")
    with open(shared_data / "events" / "icews" / "icews_events.2018.sample.tab", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) == 3705
    assert all(table[r["CAMEO Code"]] == float(r["Intensity"]) for r in rows)


def test_goldstein_variants_differ_where_documented() -> None:
    gdelt, icews = goldstein_table("gdelt"), goldstein_table("icews")
    diff = {c for c in gdelt if c in icews and gdelt[c] != icews[c]}
    assert diff == {"016", "022", "164", "165"}
    assert set(icews) - set(gdelt) == {"1213"}
    assert (gdelt["016"], icews["016"]) == (-2.0, -5.0)
    assert len(gdelt) == 311


def test_quad_schemes_differ_where_documented() -> None:
    g, i, p, pl = (quad_table(s) for s in ("gdelt", "icews", "phoenix", "plover"))
    assert (g["090"], i["090"], p["090"], pl["090"]) == (2, 3, 3, 2)  # investigate
    assert (g["140"], i["140"], p["140"], pl["140"]) == (3, 4, 4, 4)  # protest
    assert (g["160"], i["160"], p["160"], pl["160"]) == (4, 4, 3, 3)  # reduce relations / sanction
    assert (p["010"], pl["010"]) == (0, None)  # Phoenix neutral, PLOVER drops 01-02
    assert (pl["081"], pl["084"]) == (1, 2)  # CONCEDE verbal, RETREAT material


def test_event_labels_repaired() -> None:
    assert event_labels()["044"] == "Meet at a third location"
    assert event_labels()["042"] == "Make a visit"


def test_region_codes_are_not_states(shared_data: Path) -> None:
    iso = cameo_to_iso3()
    rows = _gdelt_rows(shared_data)
    seen = {r[A1CC] for r in rows} | {r[A2CC] for r in rows}
    seen -= {"", "NA"}
    regions = {c for c in seen if c in region_codes()}
    assert {"AFR", "EUR", "WST", "MEA"} <= regions
    assert all(c not in iso for c in regions)
    assert all(c in iso for c in seen - regions)  # every other actor country code of the samples is a state


def test_resolve_state_errors() -> None:
    assert resolve_state("pak") == "PAK"
    assert resolve_state("KSV") == "XKX"
    with pytest.raises(UnknownEventActorError, match="region code"):
        resolve_state("AFR")
    with pytest.raises(UnknownEventActorError, match="unknown actor code 'PAKK'.*PAK"):
        resolve_state("PAKK")
