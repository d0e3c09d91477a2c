"""SIPRI arms transfers: TIV delivered per supplier -> recipient -> year.

Read from ``arms_sipri/DERIVED_tiv_dyad_year_from_register_1950_2023.csv`` (the SIPRI trade
register with each order's delivered TIV split equally over its listed delivery years; r = 0.978
against the official SIPRI TIV tables on matched dyad-years). SIPRI names are mapped to ISO3;
organisations (``**``), non-state actors (``*``) and unknown parties are dropped and counted.
Absence of a supplier-recipient pair in a covered year (1950 to the last year in the file) is an
observed 0.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from suasion.panel.sources.base import DyadicSource, dropped_summary
from suasion.panel.sources.codes import names_to_iso3

DERIVED_FILE = "DERIVED_tiv_dyad_year_from_register_1950_2023.csv"


def read_arms(raw: Path, first_year: int) -> DyadicSource:
    t = pd.read_csv(raw / "arms_sipri" / DERIVED_FILE, keep_default_na=False, na_values=[""])
    last = int(t["year"].max())
    t = t[t["year"] >= first_year]
    mapping = names_to_iso3(raw, pd.concat([t["supplier"], t["recipient"]]).unique())
    s = t["supplier"].map(mapping)
    r = t["recipient"].map(mapping)
    lost_s, lost_r = s.isna(), r.isna()
    frame = pd.DataFrame({"source": s, "target": r, "year": t["year"], "value": t["tiv_delivered_est"]})
    frame = frame[~(lost_s | lost_r)]
    report = {
        "dropped_supplier": dropped_summary(t["supplier"], lost_s),
        "dropped_recipient": dropped_summary(t["recipient"], lost_r & ~lost_s),
        "dropped_tiv": float(t.loc[lost_s | lost_r, "tiv_delivered_est"].sum()),
        "kept_tiv": float(frame["value"].sum()),
    }
    return DyadicSource("arms_tiv", frame, zero_years={y: None for y in range(first_year, last + 1)},
                        report=report)
