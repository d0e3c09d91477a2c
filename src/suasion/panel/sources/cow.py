"""Correlates of War sources: state system, trade, IGO co-membership, ATOP alliances, NMC.

All are read in COW codes and mapped to ISO3 with :mod:`suasion.panel.sources.codes`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from suasion.panel.sources.base import DyadicSource
from suasion.panel.sources.codes import cow_to_iso3_frame

ATOP_CHANNELS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")


def read_states(raw: Path, first_year: int, last_year: int, system_end: int = 2016) -> pd.DataFrame:
    """COW state-system spells overlapping the panel, one row per ISO3.

    Spells ending in ``system_end`` (the last year of COW v2016) are extended to ``last_year``.
    Columns: iso3, cown, name, start_year, end_year.
    """
    st = pd.read_csv(raw / "states_cow" / "cow_states.csv")
    st = st[st["endyear"] >= first_year].copy()
    st["end_year"] = np.where(st["endyear"] >= system_end, last_year, st["endyear"])
    st["iso3"] = cow_to_iso3_frame(raw, st["ccode"], st["endyear"].clip(upper=system_end))
    if st["iso3"].isna().any():
        bad = st.loc[st["iso3"].isna(), ["ccode", "statenme"]].to_dict("records")
        raise ValueError(f"COW states without ISO3: {bad}")
    st = st.sort_values(["iso3", "styear"])
    out = st.groupby("iso3", as_index=False).agg(cown=("ccode", "last"), name=("statenme", "last"),
                                                 start_year=("styear", "min"), end_year=("end_year", "max"))
    return out


def read_trade(raw: Path, first_year: int) -> DyadicSource:
    """COW dyadic trade v4.0: flow1 = imports of ccode1 from ccode2 = exports ccode2 -> ccode1.

    Both directions are taken from each row (flow1 and flow2); an empty flow is missing, 0 an
    observed zero (flows are rounded to whole USD m). No zero-filling: absent dyads are missing.
    """
    t = pd.read_csv(raw / "trade_cow" / "cow_trade_ddy.csv.gz",
                    usecols=["ccode1", "ccode2", "year", "flow1", "flow2"])
    t = t[t["year"] >= first_year]
    a = cow_to_iso3_frame(raw, t["ccode1"], t["year"])
    b = cow_to_iso3_frame(raw, t["ccode2"], t["year"])
    lost = a.isna() | b.isna()
    frame = pd.concat([
        pd.DataFrame({"source": b, "target": a, "year": t["year"], "value": t["flow1"]}),
        pd.DataFrame({"source": a, "target": b, "year": t["year"], "value": t["flow2"]}),
    ]).dropna(subset=["source", "target", "value"])
    frame = frame.drop_duplicates(subset=["source", "target", "year"])  # each directed pair twice
    return DyadicSource("exports", frame, report={"unmapped_rows": int(lost.sum())})


def read_igo(raw: Path, first_year: int) -> DyadicSource:
    """COW IGO v3 non-directed shared full memberships, written in both directions; to 2014."""
    t = pd.read_csv(raw / "igo_cow" / "cow_igo_ndy.csv.gz")
    t = t[(t["year"] >= first_year) & (t["dyadigos"] >= 0)]
    a = cow_to_iso3_frame(raw, t["ccode1"], t["year"])
    b = cow_to_iso3_frame(raw, t["ccode2"], t["year"])
    frame = pd.DataFrame({"source": a, "target": b, "year": t["year"], "value": t["dyadigos"]})
    lost = frame["source"].isna() | frame["target"].isna()
    return DyadicSource("igo_shared", frame[~lost], symmetric=True,
                        report={"unmapped_rows": int(lost.sum())})


def read_atop(raw: Path, first_year: int) -> list[DyadicSource]:
    """ATOP v5.1 directed dyad-years with an obligation; absence in 1815-2018 = observed 0."""
    t = pd.read_csv(raw / "alliances_atop" / "atop_alliance.csv.gz")
    last = int(t["year"].max())
    t = t[t["year"] >= first_year]
    a = cow_to_iso3_frame(raw, t["ccode1"], t["year"])
    b = cow_to_iso3_frame(raw, t["ccode2"], t["year"])
    lost = a.isna() | b.isna()
    zero = {y: None for y in range(first_year, last + 1)}
    out = []
    for ch in ATOP_CHANNELS:
        frame = pd.DataFrame({"source": a, "target": b, "year": t["year"], "value": t[ch]})[~lost]
        out.append(DyadicSource(ch, frame, zero_years=dict(zero), report={"unmapped_rows": int(lost.sum())}))
    return out


def read_nmc(raw: Path, first_year: int) -> dict[str, pd.DataFrame]:
    """COW NMC v7 by ISO3-year: milex (thousands current USD -> USD m), milper (thousands), cinc,
    population (tpop, thousands -> persons)."""
    t = pd.read_csv(raw / "capabilities_nmc" / "cow_nmc.csv")
    t = t[t["year"] >= first_year]
    iso = cow_to_iso3_frame(raw, t["ccode"], t["year"])
    base = pd.DataFrame({"iso3": iso, "year": t["year"]})
    out = {
        "milex": base.assign(value=t["milex"].where(t["milex"] >= 0) / 1000.0),
        "milper": base.assign(value=t["milper"].where(t["milper"] >= 0)),
        "cinc": base.assign(value=t["cinc"].where(t["cinc"] >= 0)),
        "population": base.assign(value=t["tpop"].where(t["tpop"] >= 0) * 1000.0),
    }
    return {k: v.dropna() for k, v in out.items()}


__all__ = ["ATOP_CHANNELS", "read_atop", "read_igo", "read_nmc", "read_states", "read_trade"]
