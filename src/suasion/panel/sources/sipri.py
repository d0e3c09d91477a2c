"""SIPRI arms transfers: TIV delivered per supplier -> recipient -> year.

Two SIPRI-derived files, chosen per year by ``arms_source``:

* ``"official+derived"`` (default): the official SIPRI TIV export tables (generated 28 July 2022,
  tidied by 360info; whole TIV millions, ``0`` = below 0.5) for every year they cover (to 2021),
  then ``DERIVED_tiv_dyad_year_from_register_1950_2023.csv`` for the later years (2022-2023).
* ``"derived"``: the DERIVED file for every year. It is the SIPRI trade register with each
  order's delivered TIV split equally over its listed delivery years - an approximation (r = 0.978
  against the official tables on matched dyad-years, but e.g. China -> Pakistan 2017-21 is 3,490
  against the official 2,931), which is why the default uses it only where no table exists.

SIPRI names are mapped to ISO3; organisations (``**``), non-state actors (``*``), unknown parties,
Northern Cyprus and territories outside the panel are dropped and counted in the build report.
Absence of a supplier-recipient pair in a covered year is an observed 0.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from suasion.panel.sources.base import DyadicSource, dropped_summary
from suasion.panel.sources.codes import names_to_iso3

DERIVED_FILE = "DERIVED_tiv_dyad_year_from_register_1950_2023.csv"
OFFICIAL_FILE = "tiv_dyad_year_1950_2021_360info.csv.gz"
ARMS_SOURCES = ("official+derived", "derived")


def _read(path: Path, value_column: str) -> pd.DataFrame:
    t = pd.read_csv(path, usecols=["supplier", "recipient", "year", value_column],
                    keep_default_na=False, na_values=[""])
    return t.rename(columns={value_column: "value"})


def read_arms(raw: Path, first_year: int, arms_source: str = "official+derived") -> DyadicSource:
    if arms_source not in ARMS_SOURCES:
        raise ValueError(f"arms_source must be one of {ARMS_SOURCES}, not {arms_source!r}")
    folder = raw / "arms_sipri"
    derived = _read(folder / DERIVED_FILE, "tiv_delivered_est")
    last = int(derived["year"].max())
    if arms_source == "derived":
        t = derived
        years_by_file = {DERIVED_FILE: [first_year, last]}
    else:
        official = _read(folder / OFFICIAL_FILE, "value")
        official_last = int(official["year"].max())
        t = pd.concat([official, derived[derived["year"] > official_last]], ignore_index=True)
        years_by_file = {OFFICIAL_FILE: [first_year, official_last], DERIVED_FILE: [official_last + 1, last]}
    t = t[t["year"] >= first_year]
    mapping = names_to_iso3(raw, pd.concat([t["supplier"], t["recipient"]]).unique())
    s = t["supplier"].map(mapping)
    r = t["recipient"].map(mapping)
    lost_s, lost_r = s.isna(), r.isna()
    frame = pd.DataFrame({"source": s, "target": r, "year": t["year"], "value": t["value"]})
    frame = frame[~(lost_s | lost_r)]
    report = {
        "arms_source": arms_source,
        "years_by_file": years_by_file,
        "dropped_supplier": dropped_summary(t["supplier"], lost_s),
        "dropped_recipient": dropped_summary(t["recipient"], lost_r & ~lost_s),
        "dropped_tiv": float(t.loc[lost_s | lost_r, "value"].sum()),
        "kept_tiv": float(frame["value"].sum()),
    }
    return DyadicSource("arms_tiv", frame, zero_years={y: None for y in range(first_year, last + 1)},
                        report=report)
