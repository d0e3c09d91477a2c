"""Defence cooperation agreements (Kinne 2020, DCAD v1.0 main file), active per dyad-year.

An agreement is active from its entry-into-force year (the signature year when EIF is unknown)
through ``endYearEstimate`` inclusive (DCAD's estimate of the last year in force; 2010 = still in
force at the end of coverage). The channel counts active agreements of both types (general and
sector) and is symmetric. DCAD covers agreements signed 1980-2010, so 1995-2010 are observed
(absence = observed 0) and later years are carried forward from 2010.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from suasion.panel.sources.base import DyadicSource
from suasion.panel.sources.codes import cow_to_iso3_frame

LAST_YEAR = 2010


def read_dcad(raw: Path, first_year: int) -> DyadicSource:
    t = pd.read_csv(raw / "dca_kinne" / "DCAD-v1.0-main.csv")
    start = t["EIFYear"].where(t["EIFYear"].notna() & (t["EIFYear"] > 0), t["signYear"]).astype(int)
    end = t["endYearEstimate"].where(t["endYearEstimate"] > 0, LAST_YEAR).astype(int).clip(upper=LAST_YEAR)
    rows = []
    for a, b, s, e in zip(t["ccode1"], t["ccode2"], start, end):
        for year in range(max(s, first_year), e + 1):
            rows.append((a, b, year))
    spells = pd.DataFrame(rows, columns=["a", "b", "year"])
    spells["source"] = cow_to_iso3_frame(raw, spells["a"], spells["year"])
    spells["target"] = cow_to_iso3_frame(raw, spells["b"], spells["year"])
    lost = spells["source"].isna() | spells["target"].isna()
    frame = (spells[~lost].groupby(["source", "target", "year"], as_index=False).size()
             .rename(columns={"size": "value"}))
    frame["value"] = frame["value"].astype(np.float64)
    zero = {y: None for y in range(first_year, LAST_YEAR + 1)}
    return DyadicSource("dca", frame, zero_years=zero, symmetric=True,
                        report={"agreements": len(t), "unmapped_agreement_years": int(lost.sum()),
                                "eif_after_end": int((start > end).sum())})
