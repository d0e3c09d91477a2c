"""World Bank WDI monadic series: GDP (current USD -> USD m), population, military expenditure.

Military expenditure in current USD m is computed as ``MS.MIL.XPND.GD.ZS / 100 * GDP`` (SIPRI's
share of GDP times WDI GDP) because the WDI extract carries the share and local-currency series
but not the USD series; WDI derives its USD series the same way up to GDP revisions.
World Bank aggregates (regions, income groups) are dropped by keeping only panel states.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def read_gdp(raw: Path, first_year: int) -> pd.DataFrame:
    t = pd.read_csv(raw / "gdp_pop" / "gdp_current_usd.csv", keep_default_na=False, na_values=[""])
    t = t[t["Year"] >= first_year]
    return pd.DataFrame({"iso3": t["Country Code"], "year": t["Year"], "value": t["Value"] / 1e6}).dropna()


def read_population(raw: Path, first_year: int) -> pd.DataFrame:
    t = pd.read_csv(raw / "gdp_pop" / "population.csv", keep_default_na=False, na_values=[""])
    t = t[t["Year"] >= first_year]
    return pd.DataFrame({"iso3": t["Country Code"], "year": t["Year"], "value": t["Value"]}).dropna()


def read_milex_wdi(raw: Path, first_year: int) -> pd.DataFrame:
    t = pd.read_csv(raw / "gdp_pop" / "wdi_military_arms_2000_2023.csv", keep_default_na=False,
                    na_values=[""])
    t = t[t["Year"] >= first_year]
    share = pd.DataFrame({"iso3": t["Country Code"], "year": t["Year"],
                          "share": t["Military expenditure (% of GDP)"]}).dropna()
    gdp = read_gdp(raw, first_year)
    merged = share.merge(gdp, on=["iso3", "year"], how="inner")
    return pd.DataFrame({"iso3": merged["iso3"], "year": merged["year"],
                         "value": merged["share"] / 100.0 * merged["value"]})
