"""Debt owed to China: Horn, Reinhart & Trebesch, China Debt Stock Database (version April 2020).

``china_debt`` = ``ChinaDebt_USD`` / 10^6 (current USD m, estimated stock owed to Chinese state
creditors from direct loans; excludes swap lines, central-bank deposits and trade credit), source
CHN, target the debtor (``ISO``), 2000-2017 for the 107 covered debtors (a 0 is an observed "no
debt"). Debtors outside the database are missing; 2018-2024 carry 2017 forward.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from suasion.panel.sources.base import DyadicSource, read_table

HRT_FILE = Path("loans_china_hrt") / "hrt_china_debt_stock_2000_2017.csv"


def read_china_debt(raw: Path, first_year: int) -> DyadicSource:
    t = read_table(raw / HRT_FILE, ["ISO", "Year", "ChinaDebt_USD"], keep_default_na=False, na_values=[""])
    t = t[t["Year"] >= first_year].dropna(subset=["ChinaDebt_USD"])
    frame = pd.DataFrame({"source": "CHN", "target": t["ISO"].astype(str), "year": t["Year"],
                          "value": t["ChinaDebt_USD"] / 1e6})
    return DyadicSource("china_debt", frame, report={"debtors": int(frame["target"].nunique()),
                                                     "years": [int(t["Year"].min()), int(t["Year"].max())]})
