"""Multinational military exercises (D'Orazio & Galambos 2021, MME v7, 1980-2010).

From the long file (exercise x participant x year, multi-year exercises expanded; G-W codes):
the channel counts distinct exercises in which both states took part in a year; symmetric.
1995-2010 are observed (absence = observed 0); later years are carried forward. JME v3 is not
used: it overlaps MME (same author) and its last 310 rows have inconsistent dates.
Non-state participants (gwcode NA: NATO, groupings) are dropped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from suasion.panel.sources.base import DyadicSource
from suasion.panel.sources.codes import gw_to_iso3_frame


def read_mme(raw: Path, first_year: int) -> DyadicSource:
    t = pd.read_csv(raw / "exercises" / "mme_v7_long_country_year.csv.gz",
                    usecols=["MMEID", "gwcode", "country", "year"], na_values=["NA"], keep_default_na=False)
    last = int(t["year"].max())
    t = t[t["year"] >= first_year]
    t = t.assign(iso3=gw_to_iso3_frame(raw, t["gwcode"], t["year"]))
    lost = t["iso3"].isna()
    t = t[~lost].drop_duplicates(subset=["MMEID", "year", "iso3"])
    pairs = t.merge(t, on=["MMEID", "year"], suffixes=("_s", "_t"))
    pairs = pairs[pairs["iso3_s"] != pairs["iso3_t"]]
    frame = (pairs.groupby(["iso3_s", "iso3_t", "year"], as_index=False)["MMEID"].nunique()
             .rename(columns={"iso3_s": "source", "iso3_t": "target", "MMEID": "value"}))
    frame["value"] = frame["value"].astype(np.float64)
    return DyadicSource("exercises", frame, zero_years={y: None for y in range(first_year, last + 1)},
                        symmetric=False,  # the self-join already yields both directions
                        report={"non_state_participant_rows": int(lost.sum())})
