"""US troops abroad (troopdata, Allen, Flynn, Machain & Stravers 2022): active-duty personnel.

``us_troops`` is defined for source USA only: value = ``troops_ad`` in the host country-year
(1950-2024; a host absent from the file in a covered year = observed 0). Every other source is
missing (not 0): the channel says nothing about other states' deployments.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from suasion.panel.sources.base import DyadicSource
from suasion.panel.sources.codes import cow_to_iso3_frame


def read_troops(raw: Path, first_year: int) -> DyadicSource:
    t = pd.read_csv(raw / "us_presence" / "troopdata_rebuild_country_year_1950_2024.csv",
                    usecols=["ccode", "iso3c", "year", "troops_ad"], keep_default_na=False,
                    na_values=["NA", ""])
    last = int(t["year"].max())
    t = t[t["year"] >= first_year]
    iso = cow_to_iso3_frame(raw, t["ccode"], t["year"]).fillna(t["iso3c"])
    frame = pd.DataFrame({"source": "USA", "target": iso, "year": t["year"], "value": t["troops_ad"]})
    lost = frame["target"].isna()
    frame = frame[~lost].dropna(subset=["value"])
    zero = {y: frozenset({"USA"}) for y in range(first_year, last + 1)}
    return DyadicSource("us_troops", frame, zero_years=zero,
                        report={"unmapped_rows": int(lost.sum())})
