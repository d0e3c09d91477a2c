"""High-level visits: counts of visits by a source's leaders to a target per year.

* USA: trips of the President and of the Secretary of State (State Department Office of the
  Historian, to 2020; one row per destination country of a trip) plus visits of US Service
  Secretaries, the USMC Commandant and PACOM/STRATCOM commanders (D'Orazio, 1992-2012).
  US counts for 2013-2020 therefore omit defence officials.
* CHN: visits of the President, Premier, CCP leader and paramount leader (CEIAS WHO|WHERE|WHEN
  v1.1, to 2020; one row per leader-country-year).
USA and CHN are observed (absent target = 0) to 2020; every other source is missing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from suasion.panel.sources.base import DyadicSource, dropped_summary
from suasion.panel.sources.codes import names_to_iso3

US_LAST, CN_LAST = 2020, 2020


def read_visits(raw: Path, first_year: int) -> DyadicSource:
    folder = raw / "visits"
    parts = []
    report: dict[str, object] = {}
    for file in ("AmericanPresidentVisit.csv", "AmericanSecretaryVisit.csv"):
        t = pd.read_csv(folder / file, keep_default_na=False, na_values=[""])
        t = t[t["year"] >= first_year]
        mapping = names_to_iso3(raw, t["destination country"].unique())
        iso = t["destination country"].map(mapping)
        report[file] = dropped_summary(t["destination country"], iso.isna())
        parts.append(pd.DataFrame({"source": "USA", "target": iso, "year": t["year"]}))
    d = pd.read_csv(folder / "us_defense_visits_1992_2012.csv", keep_default_na=False, na_values=[""])
    d = d[d["Start Year"] >= first_year]
    parts.append(pd.DataFrame({"source": "USA", "target": d["State Visit"].str.strip().str.upper(),
                               "year": d["Start Year"]}))
    c = pd.read_csv(folder / "chinese_leader_travel_1949_2020_ceias.csv", keep_default_na=False,
                    na_values=[""])
    c = c[c["Year"] >= first_year]
    mapping = names_to_iso3(raw, c["Country"].unique())
    iso = c["Country"].map(mapping)
    report["chinese_leader_travel"] = dropped_summary(c["Country"], iso.isna())
    parts.append(pd.DataFrame({"source": "CHN", "target": iso, "year": c["Year"]}))
    visits = pd.concat(parts).dropna(subset=["target"])
    visits = visits[visits["source"] != visits["target"]]
    frame = (visits.groupby(["source", "target", "year"], as_index=False).size()
             .rename(columns={"size": "value"}))
    frame["value"] = frame["value"].astype(float)
    zero: dict[int, frozenset[str] | None] = {}
    for y in range(first_year, max(US_LAST, CN_LAST) + 1):
        zero[y] = frozenset(s for s, last in (("USA", US_LAST), ("CHN", CN_LAST)) if y <= last)
    return DyadicSource("visits", frame, zero_years=zero, report=report)
