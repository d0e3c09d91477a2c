"""UN General Assembly alignment: |idealpointall_i - idealpointall_j| (Bailey, Strezhnev & Voeten).

July 2025 release; ``idealpointall`` exists to 2023 (2024 carries only ``idealpointfp``), so 2024
is carried forward from 2023. A dyad-year is observed when both states have an ideal point.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from suasion.panel.sources.base import DyadicSource
from suasion.panel.sources.codes import cow_to_iso3_frame


def read_unga(raw: Path, first_year: int) -> DyadicSource:
    t = pd.read_csv(raw / "unga" / "IdealpointsJuly2025.csv.gz", usecols=["ccode", "year", "idealpointall"])
    t = t[(t["year"] >= first_year)].dropna(subset=["idealpointall", "ccode"])
    t = t.assign(iso3=cow_to_iso3_frame(raw, t["ccode"], t["year"])).dropna(subset=["iso3"])
    t = t.drop_duplicates(subset=["iso3", "year"])
    parts = []
    for year, grp in t.groupby("year"):
        iso = grp["iso3"].to_numpy()
        ip = grp["idealpointall"].to_numpy()
        i, j = np.meshgrid(np.arange(len(iso)), np.arange(len(iso)), indexing="ij")
        keep = i != j
        parts.append(pd.DataFrame({"source": iso[i[keep]], "target": iso[j[keep]], "year": int(year),
                                   "value": np.abs(ip[i[keep]] - ip[j[keep]])}))
    return DyadicSource("unga_distance", pd.concat(parts, ignore_index=True), symmetric=False,
                        report={"states_with_ideal_points": int(t["iso3"].nunique())})
