"""Trade agreements: DESTA v2.3 (counts and depth) and the WTO RTA database (FBIC agreement types).

DESTA (Duer, Baccini & Elsig 2014) lists each agreement event per non-directed pair: the base
treaty, accessions and consolidated versions, each with its entry-into-force year, plus dyadic
withdrawals. Rules (:func:`desta_in_force`):

* a pair is covered by base treaty ``b`` in year ``y`` when one of ``b``'s entries covering the
  pair entered into force in or before ``y`` (entries without ``entryforceyear`` never count)
  and no DESTA withdrawal of the pair from ``b`` took effect in or before ``y`` after it (a
  later re-entry counts again);
* ``pta_count`` = number of distinct base treaties covering the pair (consolidated versions and
  accessions are not counted twice);
* ``pta_depth`` = highest ``depth_index`` (0-7) among the entries in force; an accession, and a
  consolidated version that DESTA did not code, take the base treaty's depth; agreements with no
  coded depth count in ``pta_count`` only, and a pair whose agreements in force are all uncoded
  has a missing depth (not carried forward).

``pta_fbic_index`` (:func:`fbic_index`) is FBIC's trade-agreement index (reference section 1.3):
1 PSA + 1 EIA + 3 BTA + 4 (BTA+EIA) + 5 RTA + 8 (RTA+EIA) + 15 CU + 20 (CU+EIA), each term 1 when
at least one agreement of that type is in force for the pair, with types from the WTO RTA
database (:func:`wto_in_force`; FTA = BTA when the WTO composition is "Bilateral", RTA
otherwise). Agreements not notified to the WTO do not count: FBIC evidently uses WTO agreements
only. On the FBIC sample rows of 1995-2023 this rule reproduces ``tradeagreementindex`` exactly
on 94% of rows; adding a DESTA fallback for pairs without a notified agreement
(:func:`desta_types`) drops that to 79% (figures in the build report, :func:`fbic_check`).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from suasion.panel.sources.base import DyadicSource, dropped_summary, read_table

DESTA = Path("pta_desta")
DYADS_FILE = DESTA / "desta_list_of_treaties_02_03_dyads.csv.gz"
WITHDRAWAL_FILE = DESTA / "desta_dyadic_withdrawal_02_03.csv"
INDICES_FILE = DESTA / "desta_indices_version_02_03.csv"
WTO_FILE = Path("pta_wto_rta") / "WTO_RTA_AllRTAs.csv"
ISO_NUMERIC_OVERRIDES = {"900": "XKX"}  # DESTA's code for Kosovo

#: FBIC's weights of the eight agreement types (reference section 1.3, fitted exactly).
FBIC_WEIGHTS: dict[str, int] = {"psa": 1, "eia": 1, "bta": 3, "btaeia": 4, "rta": 5, "rtaeia": 8,
                                "cu": 15, "cueia": 20}
#: Blocs that are parties of WTO agreements and are not suasion.actors blocs: fixed member lists
#: (members in 2015-2024; used for every year).
WTO_BLOCS: dict[str, tuple[str, ...]] = {
    "European Free Trade Association (EFTA)": ("CHE", "ISL", "LIE", "NOR"),
    "Southern African Customs Union (SACU)": ("BWA", "LSO", "NAM", "SWZ", "ZAF"),
    "Southern Common Market (MERCOSUR)": ("ARG", "BRA", "PRY", "URY"),
    "Eurasian Economic Union (EAEU)": ("ARM", "BLR", "KAZ", "KGZ", "RUS"),
    "Central American Common Market (CACM)": ("CRI", "GTM", "HND", "NIC", "SLV"),
}
SUASION_BLOCS = {"European Union": "EU", "ASEAN Free Trade Area (AFTA)": "ASEAN",
                 "Gulf Cooperation Council (GCC)": "GCC"}


def _iso_numeric(raw: Path) -> dict[str, str]:
    codes = read_table(raw / "country_codes" / "codelist.csv", ["iso3n", "iso3c"], dtype=str,
                       keep_default_na=False)
    codes = codes[(codes["iso3n"] != "") & (codes["iso3c"] != "")]
    out = dict(zip(codes["iso3n"].str.lstrip("0"), codes["iso3c"]))
    out.update(ISO_NUMERIC_OVERRIDES)
    return out


def _pairs(frame: pd.DataFrame, iso: dict[str, str]) -> pd.DataFrame:
    a = frame["iso1"].astype(str).str.lstrip("0").map(iso)
    b = frame["iso2"].astype(str).str.lstrip("0").map(iso)
    lo, hi = np.where(a < b, a, b), np.where(a < b, b, a)
    return frame.assign(a=lo, b=hi, lost=a.isna() | b.isna())


def read_desta_events(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, object]]:
    """Entries and withdrawals per pair (``a`` < ``b``): ``base``, ``number``, ``kind`` (entry/
    withdrawal), ``year`` (in force from / withdrawn from), ``depth`` (coded depth or NaN); and
    DESTA's design indices per agreement number."""
    iso = _iso_numeric(raw)
    dyads = read_table(raw / DYADS_FILE, ["iso1", "iso2", "number", "base_treaty", "entry_type",
                                          "entryforceyear", "typememb"], dtype=str, keep_default_na=False)
    withdrawals = read_table(raw / WITHDRAWAL_FILE, ["iso1", "iso2", "base_treaty", "year", "entryforceyear"],
                             dtype=str, keep_default_na=False)
    indices = read_table(raw / INDICES_FILE, ["number", "depth_index", "full_fta", "services"], dtype=str,
                         keep_default_na=False)
    depth = dict(zip(indices["number"], pd.to_numeric(indices["depth_index"], errors="coerce")))
    d = _pairs(dyads, iso)
    w = _pairs(withdrawals, iso)
    report = {"unmapped_entry_rows": int(d["lost"].sum()), "unmapped_withdrawal_rows": int(w["lost"].sum())}
    undated = d["entryforceyear"] == ""
    report["entries_without_entry_into_force"] = dropped_summary(d["entry_type"], undated & ~d["lost"])
    d = d[~d["lost"] & ~undated & (d["a"] != d["b"])]
    own = d["number"].map(depth)
    base_depth = d["base_treaty"].map(depth)
    entries = pd.DataFrame({
        "a": d["a"], "b": d["b"], "base": d["base_treaty"], "number": d["number"], "kind": "entry",
        "year": d["entryforceyear"].astype(int),
        "depth": np.where(d["entry_type"] == "accession", base_depth, own.fillna(base_depth)),
        "typememb": d["typememb"]})
    w = w[~w["lost"] & (w["a"] != w["b"])]
    wyear = w["entryforceyear"].where(w["entryforceyear"] != "", w["year"])
    exits = pd.DataFrame({"a": w["a"], "b": w["b"], "base": w["base_treaty"], "number": w.get("number", ""),
                          "kind": "withdrawal", "year": wyear.astype(int), "depth": np.nan, "typememb": ""})
    report["withdrawal_rows"] = len(exits)
    events = pd.concat([entries, exits], ignore_index=True)
    return events, indices, report


def desta_in_force(events: pd.DataFrame, years: range) -> pd.DataFrame:
    """Pair x base treaty x year rows in force, with the highest coded depth of the entries in force."""
    out = []
    events = events.sort_values(["year", "kind"])  # same year: entry before withdrawal
    for year in years:
        past = events[events["year"] <= year]
        last = past.drop_duplicates(subset=["a", "b", "base"], keep="last")
        active = last[last["kind"] == "entry"][["a", "b", "base"]]
        entries = past[past["kind"] == "entry"].merge(active, on=["a", "b", "base"])
        since = past[past["kind"] == "withdrawal"].groupby(["a", "b", "base"])["year"].max()
        if len(since):
            after = entries.join(since.rename("left"), on=["a", "b", "base"])
            entries = after[after["left"].isna() | (after["year"] >= after["left"])]
        per = entries.groupby(["a", "b", "base"], as_index=False).agg(depth=("depth", "max"),
                                                                      typememb=("typememb", "first"),
                                                                      number=("number", "first"))
        out.append(per.assign(year=year))
    return pd.concat(out, ignore_index=True)


def read_desta(raw: Path, first_year: int, last_year: int
               ) -> tuple[DyadicSource, DyadicSource, pd.DataFrame, pd.DataFrame]:
    """``pta_count`` and ``pta_depth`` sources, the pair x base x year table they come from and
    DESTA's design indices."""
    events, indices, report = read_desta_events(raw)
    years = range(first_year, last_year + 1)
    in_force = desta_in_force(events, years)
    grouped = in_force.groupby(["a", "b", "year"])
    count = grouped.size().rename("value").reset_index()
    depth = grouped["depth"].max().rename("value").reset_index()  # NaN when none is coded
    zero = {y: None for y in years}
    frame_count = count.rename(columns={"a": "source", "b": "target"}).astype({"value": float})
    frame_depth = depth.rename(columns={"a": "source", "b": "target"})
    report["pairs_in_force_last_year"] = int((count["year"] == last_year).sum())
    report["pair_years_with_uncoded_depth"] = int(depth["value"].isna().sum())
    return (DyadicSource("pta_count", frame_count, zero_years=zero, symmetric=True, report=report),
            DyadicSource("pta_depth", frame_depth, zero_years=dict(zero), symmetric=True, carry=False,
                         report={"pair_years_depth_missing": int(depth["value"].isna().sum())}),
            in_force, indices)


# ---------------------------------------------------------------------------------------------
# WTO RTA database and FBIC types


def _wto_party_iso3(names: set[str]) -> dict[str, str | None]:
    from suasion.actors import to_iso3
    from suasion.errors import SuasionError

    out: dict[str, str | None] = {}
    for name in names:
        if name in SUASION_BLOCS or name in WTO_BLOCS:
            continue
        try:
            out[name] = to_iso3(name)
        except SuasionError:
            out[name] = None
    return out


def _split(cell: str) -> list[str]:
    return [p.strip() for p in str(cell).split(";") if p.strip()]


def _year(cell: str) -> int | None:
    return int(cell[:4]) if isinstance(cell, str) and len(cell) >= 4 and cell[:4].isdigit() else None


def wto_types(type_text: str, composition: str) -> list[str]:
    """FBIC type keys of one WTO agreement ("FTA & EIA", "Bilateral" -> ["btaeia"])."""
    kinds = {k.strip() for k in str(type_text).split("&")}
    eia = "EIA" in kinds
    if "CU" in kinds:
        return ["cueia" if eia else "cu"]
    if "FTA" in kinds:
        prefix = "bta" if composition.strip() == "Bilateral" else "rta"
        return [prefix + ("eia" if eia else "")]
    if "PSA" in kinds:
        return ["psa", "eia"] if eia else ["psa"]
    return ["eia"] if eia else []


def wto_in_force(raw: Path, years: range) -> tuple[pd.DataFrame, dict[str, object]]:
    """Pair x year x FBIC type rows of WTO agreements in force (pairs ``a`` < ``b``).

    In force in year ``y``: the earlier of the goods and services entry into force is in or before
    ``y`` and the agreement is not inactive by ``y`` (``Inactive Date`` year > ``y``). Parties:
    ``Current signatories`` (``Original signatories`` for inactive agreements); an original party
    missing from the current list counts until its EU membership changed (the UK leaving the EU
    in 2020, EFTA and CEFTA members joining it); blocs expanded (module constants).
    """
    from suasion.actors import bloc_members

    columns = ["RTA ID", "RTA Name", "Type", "Status", "Date of Entry into Force (G)",
               "Date of Entry into Force (S)", "Inactive Date", "RTA Composition", "Current signatories",
               "Original signatories"]
    t = read_table(raw / WTO_FILE, columns, dtype=str, keep_default_na=False)[columns]
    names = {p for col in ("Current signatories", "Original signatories") for cell in t[col] for p in _split(cell)}
    iso = _wto_party_iso3(names)
    unmapped = sorted(n for n, v in iso.items() if v is None)
    eu = {y: bloc_members("EU", y) for y in range(1958, max(years) + 1)}
    rows = []
    skipped = 0
    for r in t.itertuples(index=False):
        starts = [y for y in (_year(r[4]), _year(r[5])) if y is not None]   # entry into force (G), (S)
        types = wto_types(r[2], r[7])
        if not starts or not types:
            skipped += 1
            continue
        start, end = min(starts), _year(r[6])
        current = _split(r[8]) or _split(r[9])
        leavers = [iso.get(p) for p in _split(r[9]) if p not in current]
        previous: tuple[str, ...] | None = None
        pairs: list[tuple[str, str]] = []
        for year in years:
            if year < start or (end is not None and year >= end):
                continue
            parties: set[str] = {code for code in leavers if _still_party(code, start, year, eu)}
            for name in current:
                if name in SUASION_BLOCS:
                    code = SUASION_BLOCS[name]
                    parties |= set(eu.get(year, ())) if code == "EU" else set(bloc_members(code, year))
                elif name in WTO_BLOCS:
                    parties |= set(WTO_BLOCS[name])
                elif iso.get(name):
                    parties.add(iso[name])
            members = tuple(sorted(parties))
            if members != previous:
                pairs = list(itertools.combinations(members, 2))
                previous = members
            rows.extend((a, b, year, key, r[0]) for a, b in pairs for key in types)
    frame = pd.DataFrame(rows, columns=["a", "b", "year", "type", "rta_id"])
    return frame, {"agreements_without_date_or_type": skipped, "unmapped_party_names": unmapped}


def _still_party(iso3: str | None, start: int, year: int, eu: dict[int, frozenset[str]]) -> bool:
    """An original party dropped from the current list is still a party in ``year`` while its EU
    membership is what it was when the agreement entered into force."""
    if iso3 is None:
        return False
    at_start = iso3 in eu.get(start, frozenset())
    return all((iso3 in eu[y]) == at_start for y in range(max(start, 1958), year + 1))


def desta_types(in_force: pd.DataFrame, indices: pd.DataFrame) -> pd.DataFrame:
    """FBIC type keys of DESTA agreements in force (fallback for pairs without a WTO agreement):
    uncoded = PSA; coded with ``full_fta`` = 1: BTA (``typememb`` 1) or RTA, "+EIA" when
    ``services`` = 1; coded without: PSA, plus EIA when ``services`` = 1."""
    fta = in_force["base"].map(dict(zip(indices["number"], pd.to_numeric(indices["full_fta"], errors="coerce"))))
    svc = in_force["base"].map(dict(zip(indices["number"], pd.to_numeric(indices["services"], errors="coerce")))) == 1
    full = (fta == 1).to_numpy()
    prefix = np.where(in_force["typememb"].to_numpy() == "1", "bta", "rta")
    main = np.where(full, np.char.add(prefix, np.where(svc, "eia", "")), "psa")
    keys = in_force[["a", "b", "year"]]
    extra = svc.to_numpy() & ~full & fta.notna().to_numpy()       # coded PSA with services: + EIA
    return pd.concat([keys.assign(type=main), keys[extra].assign(type="eia")], ignore_index=True)


def fbic_index(types: pd.DataFrame) -> pd.DataFrame:
    """Sum of FBIC weights over the distinct types present per pair-year."""
    distinct = types.drop_duplicates(subset=["a", "b", "year", "type"])
    distinct = distinct.assign(weight=distinct["type"].map(FBIC_WEIGHTS))
    return distinct.groupby(["a", "b", "year"], as_index=False)["weight"].sum().rename(columns={"weight": "value"})


def read_fbic_index(raw: Path, in_force: pd.DataFrame, indices: pd.DataFrame, years: range) -> DyadicSource:
    wto, report = wto_in_force(raw, years)
    index = fbic_index(wto[["a", "b", "year", "type"]])
    notified = set(zip(wto["a"], wto["b"], wto["year"]))
    fallback = in_force[[k not in notified for k in zip(in_force["a"], in_force["b"], in_force["year"])]]
    with_desta = fbic_index(pd.concat([wto[["a", "b", "year", "type"]], desta_types(fallback, indices)],
                                      ignore_index=True))
    report.update({"pair_years_with_a_notified_agreement": len(notified),
                   "desta_vs_wto": desta_wto_check(in_force, wto),
                   "against_published_fbic": {"wto_only (stored)": fbic_check(raw, index),
                                              "wto_with_desta_fallback": fbic_check(raw, with_desta)}})
    frame = index.rename(columns={"a": "source", "b": "target"}).astype({"value": float})
    return DyadicSource("pta_fbic_index", frame, zero_years={y: None for y in years}, symmetric=True,
                        report=report)


def fbic_check(raw: Path, index: pd.DataFrame) -> dict[str, object]:
    """Agreement of an index with FBIC's published ``tradeagreementindex``: the random sample rows
    (``fbic/FBIC_sample_dev.csv``) of the index's years and the 18-country file."""
    key = {(a, b, y): v for a, b, y, v in zip(index["a"], index["b"], index["year"], index["value"])}
    lo, hi = int(index["year"].min()), int(index["year"].max())
    out = {}
    for label, file in (("sample", "FBIC_sample_dev.csv"), ("18_countries", "FBIC_cleaned_18countries_1999_2023.csv")):
        path = raw / "fbic" / file
        if not path.is_file():
            continue
        t = read_table(path, ["iso3a", "iso3b", "year", "tradeagreementindex"],
                       usecols=["iso3a", "iso3b", "year", "tradeagreementindex"])
        t = t[(t["year"] >= lo) & (t["year"] <= hi)].dropna()
        mine = np.array([key.get((min(a, b), max(a, b), y), 0.0) for a, b, y in zip(t["iso3a"], t["iso3b"], t["year"])])
        ref = t["tradeagreementindex"].to_numpy(dtype=float)
        out[label] = {"rows": len(t), "share_exact": round(float((mine == ref).mean()), 4),
                      "pearson_r": round(float(np.corrcoef(mine, ref)[0, 1]), 4)}
    return out


def desta_wto_check(in_force: pd.DataFrame, wto: pd.DataFrame) -> dict[str, object]:
    """Share of the pairs a WTO agreement covers that DESTA also has some agreement in force for,
    per year (2000, 2010, 2019, 2024), and the reverse share."""
    out = {}
    for year in (2000, 2010, 2019, 2024):
        w = set(zip(*[wto.loc[wto["year"] == year, c] for c in ("a", "b")]))
        d = set(zip(*[in_force.loc[in_force["year"] == year, c] for c in ("a", "b")]))
        if w and d:
            out[str(year)] = {"wto_pairs": len(w), "share_also_in_desta": round(len(w & d) / len(w), 4),
                              "desta_pairs": len(d), "share_also_in_wto": round(len(w & d) / len(d), 4)}
    return out
