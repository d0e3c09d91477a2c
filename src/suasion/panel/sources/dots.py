"""Bilateral goods trade: IMF Direction of Trade Statistics (1990-2020) with COW Trade v4.0 behind it.

Every directed flow A -> B (A's exports to B, current USD m) can be measured twice in DOTS: B's
imports from A (reported CIF) and A's exports to B (reported FOB), each possibly an IMF estimate
(the ``e`` flag). The first available measurement in this order is used and its code kept as
``basis`` (:data:`suasion.panel.schema.EXPORTS_BASIS`):

1. importer-reported imports CIF, 2. exporter-reported exports FOB, 3. IMF estimate of the
importer's imports, 4. IMF estimate of the exporter's exports, 5. COW Trade v4.0 (to 2014).

Importer reports come first because customs records of imports are the better-kept side (the
IMF's own practice for partner data; COW's ``flow`` series also start from the importer's report).
A DOTS cell absent from the file is missing; a reported 0 is an observed 0. Aggregates and
historic entities have no ISO3 in the file and are dropped (counted by name); "Serbia and
Montenegro" is the panel's SRB (it reports to 2004 and is a partner to 2005).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from suasion.panel.sources.base import DyadicSource, dropped_summary, read_table
from suasion.panel.sources.cow import read_trade

DOTS_FILE = Path("trade_imf") / "imf_dots_reporter_partner_year_1990_2020.csv.gz"
IMPORTS, EXPORTS = "Imports, CIF", "Exports, FOB"
#: DOTS names that the panel maps although the file leaves their ISO3 empty (historic entities).
HISTORIC_TO_ISO3 = {"Serbia and Montenegro": "SRB"}


def _iso3(names: pd.Series, codes: pd.Series) -> pd.Series:
    mapped = names.map(HISTORIC_TO_ISO3)
    return codes.where(codes.notna() & (codes != ""), mapped)


def read_dots(raw: Path, first_year: int) -> tuple[pd.DataFrame, dict[str, object]]:
    """DOTS rows as directed flows: ``source`` (exporter), ``target`` (importer), ``year``, ``value``,
    ``basis`` (1-4); and the aggregates and historic entities dropped, counted by name."""
    t = read_table(raw / DOTS_FILE, ["reporter", "reporter_iso3", "flow", "partner", "partner_iso3",
                                     "year", "value_usd_m", "estimated"],
                   dtype={"reporter_iso3": str, "partner_iso3": str}, keep_default_na=False,
                   na_values=[""])
    t = t[t["year"] >= first_year]
    t = t.assign(r=_iso3(t["reporter"], t["reporter_iso3"]), p=_iso3(t["partner"], t["partner_iso3"]))
    lost = t["r"].isna() | t["p"].isna()
    names = t["reporter"].where(t["r"].isna(), t["partner"])
    dropped = dropped_summary(names, lost, top=40)
    t = t[~lost & (t["r"] != t["p"])]
    # the Serbia-and-Montenegro row wins over a "Serbia, Rep. of" row of the same key (2005)
    historic = t["reporter"].isin(list(HISTORIC_TO_ISO3)) | t["partner"].isin(list(HISTORIC_TO_ISO3))
    t = t.assign(rank=np.where(historic, 0, 1)).sort_values("rank", kind="stable")
    t = t.drop_duplicates(subset=["r", "p", "flow", "year"])
    imports = t["flow"] == IMPORTS
    estimated = t["estimated"].astype(int) == 1
    frame = pd.DataFrame({
        "source": np.where(imports, t["p"], t["r"]),
        "target": np.where(imports, t["r"], t["p"]),
        "year": t["year"].to_numpy(),
        "value": t["value_usd_m"].to_numpy(dtype=np.float64),
        "basis": np.where(imports, np.where(estimated, 3, 1), np.where(estimated, 4, 2)),
    })
    frame = frame[t["flow"].isin([IMPORTS, EXPORTS]).to_numpy()].dropna(subset=["value"])
    return frame, dropped


def read_exports(raw: Path, first_year: int) -> DyadicSource:
    """The ``exports`` channel: best DOTS measurement per directed dyad-year, COW where DOTS has none."""
    dots, dropped = read_dots(raw, first_year)
    cow = read_trade(raw, first_year).frame.assign(basis=5)
    both = pd.concat([dots, cow[["source", "target", "year", "value", "basis"]]], ignore_index=True)
    both = both.sort_values(["source", "target", "year", "basis"], kind="stable")
    frame = both.drop_duplicates(subset=["source", "target", "year"]).reset_index(drop=True)
    frame["basis"] = frame["basis"].astype(np.int8)
    counts = frame.groupby("basis").size()
    recent = frame[frame["year"] > 2014].groupby("basis").size()
    report = {
        "rule": "importer CIF > exporter FOB > IMF estimate (importer, exporter) > COW",
        "dropped_aggregates_and_historic": dropped,
        "cells_by_basis": {int(k): int(v) for k, v in counts.items()},
        "cells_by_basis_after_2014": {int(k): int(v) for k, v in recent.items()},
        "dots_vs_cow_2014": agreement_with_cow(dots, cow, 2014),
    }
    return DyadicSource("exports", frame[["source", "target", "year", "value", "basis"]], report=report)


def best_dots(dots: pd.DataFrame) -> pd.DataFrame:
    """One DOTS value per directed dyad-year, the best-ranked basis."""
    ordered = dots.sort_values(["source", "target", "year", "basis"], kind="stable")
    return ordered.drop_duplicates(subset=["source", "target", "year"])


def agreement_with_cow(dots: pd.DataFrame, cow: pd.DataFrame, year: int) -> dict[str, float | int]:
    """Pearson r of the chosen DOTS value and COW on the directed dyads both have in ``year``."""
    d = best_dots(dots[dots["year"] == year])
    c = cow[cow["year"] == year]
    m = d.merge(c, on=["source", "target", "year"], suffixes=("_dots", "_cow"))
    if len(m) < 3:
        return {"dyads": len(m)}
    a, b = m["value_dots"].to_numpy(), m["value_cow"].to_numpy()
    return {"year": year, "dyads": len(m), "pearson_r_levels": round(float(np.corrcoef(a, b)[0, 1]), 4),
            "pearson_r_log1p": round(float(np.corrcoef(np.log1p(a), np.log1p(b))[0, 1]), 4),
            "sum_dots": round(float(a.sum()), 1), "sum_cow": round(float(b.sum()), 1)}
