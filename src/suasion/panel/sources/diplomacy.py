"""Diplomatic representation: Diplometrics DDR (2000-2020) extended with Lowy Institute posts (2021, 2023).

Scale: FBIC's level of representation of the sender in the host (``embassylorainb``, Moyer et al.
2021; reference ``leverage-methods.md`` section 1.3), :func:`ddr_level`:

* ambassador (DDR level 6), singular focus = 1.0
* minister (5) or charge d'affaires (4), singular focus = 0.75
* a head of mission accredited to several hosts (focus 2) = half of the above (0.5, 0.375)
* head of mission expelled, recalled or withdrawn (focus 3) = 0.75
* no representation at charge level or above = 0

1.0, 0.75, 0.5 and 0.375 are how FBIC codes DDR levels 6 and 4 with focus 1 and 2 (the FBIC
sample rows show code 6 / focus 1 -> 1.0, 6/2 -> 0.5, 4/1 -> 0.75, 4/2 -> 0.375), and this
mapping reproduces FBIC's ``lor_avg`` exactly on 99.7% of the 6,426 dyad-years of the 18-country
FBIC file for 2000-2020 (the rest are pairs the DDR cut dropped at levels 1-3). Minister = 0.75
and focus 3 = 0.75 are inferences: no such rows appear in the FBIC files.

DDR: every host absent for a sender listed in that year is an observed 0; senders not listed are
missing. Lowy (2021 and 2023 editions, 65 and 66 sending states): see :func:`extend_with_lowy`.
The DDR year is the Europa World Yearbook edition; changes often show one year late.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from suasion.panel.sources.base import DyadicSource, dropped_summary, read_table

DDR_FILE = Path("diplomacy_ddr") / "DERIVED_ddr_embassy_level4plus_2000_2020_iso3.csv.gz"
LOWY_FILE = Path("diplomacy_lowy") / "lowy_gdi_posts_2016_2023.csv.gz"
LOWY_YEARS = (2021, 2023)
EMBASSY = "Embassy / High Commission"
RESIDENT = 0.75
#: Lowy host names without an ISO3 in the file that are panel states (typos and starred names).
LOWY_HOSTS: dict[str, str] = {"Kosovo*": "XKX", "Kosovo": "XKX", "Nigaragua": "NIC", "Portual": "PRT",
                              "Jerusalem*": "ISR"}  # embassies located in Jerusalem are to Israel


def ddr_level(level: np.ndarray, focus: np.ndarray) -> np.ndarray:
    """FBIC's representation scale from DDR ``embassy_level`` (4-6) and ``focus`` (1-3)."""
    level, focus = np.asarray(level), np.asarray(focus)
    base = np.where(level == 6, 1.0, RESIDENT)
    return np.where(focus == 3, RESIDENT, np.where(focus == 2, base * 0.5, base))


def read_ddr(raw: Path, first_year: int) -> tuple[pd.DataFrame, dict[int, frozenset[str]]]:
    t = read_table(raw / DDR_FILE, ["year", "origin", "destination", "embassy_level", "focus"],
                   keep_default_na=False, na_values=[""])
    t = t[(t["year"] >= first_year) & (t["origin"] != t["destination"])]
    frame = pd.DataFrame({"source": t["origin"].astype(str), "target": t["destination"].astype(str),
                          "year": t["year"].astype(np.int64),
                          "value": ddr_level(t["embassy_level"].to_numpy(), t["focus"].to_numpy())})
    senders = {int(y): frozenset(g.unique()) for y, g in frame.groupby("year")["source"]}
    return frame, senders


def read_lowy_embassies(raw: Path) -> tuple[pd.DataFrame, dict[int, frozenset[str]], dict[str, object]]:
    """Sender x host pairs with an embassy or high commission per Lowy edition year (2021, 2023),
    the sending states of each year, and what was dropped."""
    t = read_table(raw / LOWY_FILE, ["COUNTRY", "POST COUNTRY", "TYPE OF POST", "Year", "iso3c_country",
                                     "iso3c_post_country"], dtype=str, keep_default_na=False)
    t = t[t["Year"].isin([str(y) for y in LOWY_YEARS])]
    host = t["iso3c_post_country"].where(t["iso3c_post_country"] != "", t["POST COUNTRY"].map(LOWY_HOSTS))
    sender = t["iso3c_country"].where(t["iso3c_country"] != "")
    embassy = t["TYPE OF POST"] == EMBASSY
    lost = embassy & (host.isna() | sender.isna())
    report = {"dropped_embassy_rows": dropped_summary(t["COUNTRY"] + " in " + t["POST COUNTRY"], lost)}
    posts = pd.DataFrame({"source": sender, "target": host, "year": t["Year"].astype(int)})[embassy & ~lost]
    posts = posts[posts["source"] != posts["target"]].drop_duplicates()
    senders = {y: frozenset(sender[(t["Year"] == str(y)) & sender.notna()]) for y in LOWY_YEARS}
    report["senders"] = {str(y): len(s) for y, s in senders.items()}
    return posts, senders, report


def extend_with_lowy(previous: dict[tuple[str, str], float], embassies: set[tuple[str, str]],
                     sender: str, hosts: list[str]) -> list[tuple[str, str, float]]:
    """One Lowy sender's values in a Lowy year from its previous values (DDR 2020, or the 2021 value).

    Embassy or high commission present: keep the previous value when it was a resident mission
    (>= 0.75), else 1.0 (a new embassy; Lowy gives no rank, an ambassador is assumed). No embassy:
    keep a non-resident accreditation (0 < previous < 0.75), else 0.
    """
    out = []
    for host in hosts:
        if host == sender:
            continue
        before = previous.get((sender, host), 0.0)
        if (sender, host) in embassies:
            value = before if before >= RESIDENT else 1.0
        else:
            value = before if 0.0 < before < RESIDENT else 0.0
        out.append((sender, host, value))
    return out


def read_diplomatic_rep(raw: Path, first_year: int, hosts: list[str]) -> DyadicSource:
    """``diplomatic_rep`` from DDR (2000-2020) and Lowy (2021, 2023); ``hosts`` = the panel's states."""
    ddr, senders = read_ddr(raw, first_year)
    posts, lowy_senders, report = read_lowy_embassies(raw)
    last = int(ddr["year"].max())
    previous = {(s, t): v for s, t, v in ddr[ddr["year"] == last][["source", "target", "value"]]
                .itertuples(index=False)}
    previous_senders = senders[last]
    rows = []
    for year in LOWY_YEARS:
        here = posts[posts["year"] == year]
        embassies = set(zip(here["source"], here["target"]))
        current: dict[tuple[str, str], float] = {}
        for sender in sorted(lowy_senders[year]):
            base = previous if sender in previous_senders else {}
            for s, t, v in extend_with_lowy(base, embassies, sender, hosts):
                current[(s, t)] = v
                rows.append((s, t, year, v))
        previous = {**previous, **current}
        previous_senders = previous_senders | lowy_senders[year]
    lowy = pd.DataFrame(rows, columns=["source", "target", "year", "value"])
    frame = pd.concat([ddr, lowy], ignore_index=True)
    zero = {y: s for y, s in senders.items()}
    report.update({"ddr_years": [int(ddr["year"].min()), last], "ddr_senders_last_year": len(senders[last]),
                   "ddr_one_year_gaps": one_year_gaps(ddr, senders),
                   "lowy_vs_ddr": lowy_agreement(raw, ddr)})
    return DyadicSource("diplomatic_rep", frame, zero_years=zero, report=report)


def one_year_gaps(ddr: pd.DataFrame, senders: dict[int, frozenset[str]]) -> dict[str, object]:
    """Pairs listed in years t-1 and t+1 but not in t although the sender is listed in t (kept as 0,
    as FBIC has them; e.g. Pakistan in Turkey 2016): count and a few examples."""
    listed = set(zip(ddr["source"], ddr["target"], ddr["year"]))
    gaps = sorted((s, t, y) for s, t, y in listed
                  if (s, t, y + 2) in listed and (s, t, y + 1) not in listed and s in senders.get(y + 1, ()))
    return {"count": len(gaps), "examples": [f"{s}->{t} {y + 1}" for s, t, y in gaps[:10]]}


def lowy_agreement(raw: Path, ddr: pd.DataFrame) -> dict[str, object]:
    """How well Lowy embassies match DDR resident missions in the years both cover (2016, 2017):
    share of DDR resident missions (value >= 0.75) of Lowy senders that Lowy lists as an embassy, and
    share of Lowy embassies that DDR has as a resident mission."""
    t = read_table(raw / LOWY_FILE, ["TYPE OF POST", "Year", "iso3c_country", "iso3c_post_country"],
                   dtype=str, keep_default_na=False)
    out = {}
    for year in (2016, 2017):
        e = t[(t["Year"] == str(year)) & (t["TYPE OF POST"] == EMBASSY)]
        host = e["iso3c_post_country"].where(e["iso3c_post_country"] != "", e.get("POST COUNTRY"))
        lowy = {(s, h) for s, h in zip(e["iso3c_country"], host) if s and isinstance(h, str) and h}
        senders = {s for s, _ in lowy}
        d = ddr[(ddr["year"] == year) & ddr["source"].isin(senders) & (ddr["value"] >= RESIDENT)]
        resident = set(zip(d["source"], d["target"]))
        if resident and lowy:
            out[str(year)] = {"senders": len(senders), "ddr_resident_missions": len(resident),
                              "share_in_lowy": round(len(resident & lowy) / len(resident), 4),
                              "lowy_embassies": len(lowy), "share_in_ddr": round(len(resident & lowy) / len(lowy), 4)}
    return out
