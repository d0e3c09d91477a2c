"""Build the actors crosswalk shipped in ``src/suasion/actors/data/`` from the raw sources.

Run from the repository root (needs ../shared/data; the package never reads it at run time)::

    .venv/bin/python scripts/build_actors.py [--shared ../shared/data]

Inputs
    country_codes/codelist.csv   countrycode R package dictionary (Arel-Bundock, Enevoldsen & Yetman 2018,
                                 JOSS 3(28):848; GPL-3)
    states_cow/cow_states.csv    COW State System Membership v2016 (via peacesciencer)
    states_cow/gw_states.csv     Gleditsch & Ward (1999) independent states (via peacesciencer)

Outputs
    countries.csv      one row per actor with an ISO3 code: iso3, iso2, name, cown, cowc, gwn, gwc,
                       regex (countrycode's English-name regex), aliases (|-separated English names)
    code_spells.csv    one row per COW / G-W membership spell: scheme, code, abbrev, name, first_year,
                       last_year (empty = still a member), iso3 (empty = no ISO3 equivalent)
    former_states.csv  states without an ISO3 code: name, regex, cown, gwn, iso3 (continuator or empty)

Mapping rule for COW / G-W codes (see also ``CODE_OVERRIDES``): a code maps to the ISO3 code of the
state the COW / G-W list itself treats as the same state. Hence COW 255 (Germany, 1816-1945 and
1990-) and COW 260 (German Federal Republic 1955-1990) -> DEU; G-W 260 (GFR 1949-, unified Germany)
-> DEU; COW / G-W 345 (Yugoslavia, then Serbia and Montenegro, then Serbia in COW) and G-W 340 (Serbia)
-> SRB; COW / G-W 365 (Russia / Soviet Union) -> RUS; COW 678 (Yemen Arab Republic) and 679 (Yemen), G-W
678 (Yemen Arab Republic, then Yemen) -> YEM; COW / G-W 816 (DR Vietnam, then Vietnam) and G-W 815
(Vietnam before 1893) -> VNM; COW / G-W 347 -> XKX (Kosovo). States that ended without a same-code
successor (German Democratic Republic 265, Yemen People's Republic 680, Republic of Vietnam 817,
Czechoslovakia 315, Austria-Hungary 300, the German and Italian states before unification, ...) have
no ISO3 code: their iso3 is left empty.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "suasion" / "actors" / "data"

# (scheme, code) -> iso3 where the codelist has no ISO3 for that code (or a different one).
CODE_OVERRIDES: dict[tuple[str, int], str] = {
    ("cown", 255): "DEU",
    ("cown", 260): "DEU",
    ("gwn", 255): "DEU",
    ("gwn", 260): "DEU",
    ("cown", 345): "SRB",
    ("gwn", 345): "SRB",
    ("gwn", 340): "SRB",
    ("cown", 347): "XKX",
    ("gwn", 347): "XKX",
    ("cown", 365): "RUS",
    ("gwn", 365): "RUS",
    ("cown", 678): "YEM",
    ("cown", 679): "YEM",
    ("gwn", 678): "YEM",
    ("cown", 816): "VNM",
    ("gwn", 816): "VNM",
    ("gwn", 815): "VNM",
}
# Codes whose states ended without a same-code successor: never an ISO3 code, even if the codelist says so.
NO_ISO3: set[tuple[str, int]] = {
    ("cown", 265), ("gwn", 265), ("cown", 680), ("gwn", 680), ("cown", 817), ("gwn", 817),
    ("cown", 315), ("gwn", 315), ("cown", 730), ("gwn", 730),
}
# Former states with no code of their own in the codelist but a clear continuator.
FORMER_STATE_ISO3: dict[str, str] = {
    "Serbia and Montenegro": "SRB",
    "Yugoslavia": "SRB",
    "Yemen Arab Republic": "YEM",
}
# Canonical names where countrycode's short CLDR-style name is not what a desk writes.
NAME_OVERRIDES: dict[str, str] = {
    "PSE": "Palestine",
    "BIH": "Bosnia and Herzegovina",
    "ATG": "Antigua and Barbuda",
    "TTO": "Trinidad and Tobago",
    "KNA": "Saint Kitts and Nevis",
    "VCT": "Saint Vincent and the Grenadines",
    "LCA": "Saint Lucia",
    "STP": "Sao Tome and Principe",
    "COD": "Democratic Republic of the Congo",
    "COG": "Republic of the Congo",
    "MMR": "Myanmar",
    "HKG": "Hong Kong",
    "MAC": "Macao",
    "FSM": "Micronesia",
}
EXTRA_ALIASES: dict[str, list[str]] = {
    "PSE": ["State of Palestine", "Palestinian Territories", "Occupied Palestinian Territory"],
    "XKX": ["Republic of Kosovo", "Kosova"],
    "TWN": ["Republic of China (Taiwan)", "Chinese Taipei"],
    "GBR": ["UK", "Great Britain"],
    "USA": ["US", "United States of America"],
    "ARE": ["UAE"],
    "COD": ["DR Congo", "DRC", "Congo-Kinshasa"],
    "COG": ["Congo", "Congo-Brazzaville"],
    "CIV": ["Cote d'Ivoire", "Ivory Coast"],
    "TUR": ["Turkiye"],
    "CZE": ["Czech Republic"],
    "MKD": ["Macedonia"],
    "SWZ": ["Swaziland"],
    "ESH": ["Sahrawi Arab Democratic Republic", "SADR", "Sahrawi Republic"],
}
ALIAS_COLUMNS = ["country.name.en", "iso.name.en", "cow.name", "un.name.en", "p4.name", "vdem.name"]


def _int_or_none(value: object) -> int | None:
    return None if pd.isna(value) else int(value)


def build(shared: Path, out: Path = OUT) -> None:
    codelist = pd.read_csv(shared / "country_codes" / "codelist.csv", keep_default_na=False, na_values=[""])
    codelist.loc[codelist["country.name.en"] == "Kosovo", ["iso3c", "iso2c"]] = ["XKX", "XK"]

    states = codelist[codelist["iso3c"].notna()].copy()
    rows = []
    for rec in states.to_dict(orient="records"):
        iso3 = rec["iso3c"]
        name = NAME_OVERRIDES.get(iso3, rec["country.name.en"])
        aliases = {str(rec[c]) for c in ALIAS_COLUMNS if isinstance(rec[c], str)}
        aliases.update(EXTRA_ALIASES.get(iso3, []))
        aliases.discard(name)
        rows.append({
            "iso3": iso3, "iso2": rec["iso2c"] if isinstance(rec["iso2c"], str) else "", "name": name,
            "cown": _int_or_none(rec["cown"]), "cowc": rec["cowc"] if isinstance(rec["cowc"], str) else "",
            "gwn": _int_or_none(rec["gwn"]), "gwc": rec["gwc"] if isinstance(rec["gwc"], str) else "",
            "regex": rec["country.name.en.regex"], "aliases": "|".join(sorted(aliases)),
        })
    countries = pd.DataFrame(rows)
    # Serbia's COW code is 345 (Yugoslavia's, continued); the codelist leaves it empty.
    countries.loc[countries.iso3 == "SRB", ["cown", "cowc"]] = [345, "YUG"]
    countries["cown"] = countries["cown"].astype("Int64")
    countries["gwn"] = countries["gwn"].astype("Int64")
    countries = countries.sort_values("iso3")
    assert countries.iso3.is_unique and countries.iso2[countries.iso2 != ""].is_unique

    code_to_iso3: dict[tuple[str, int], str] = {}
    for scheme in ("cown", "gwn"):
        for rec in countries.dropna(subset=[scheme]).to_dict(orient="records"):
            code_to_iso3[(scheme, int(rec[scheme]))] = rec["iso3"]
    code_to_iso3.update(CODE_OVERRIDES)
    for key in NO_ISO3:
        code_to_iso3.pop(key, None)

    cow = pd.read_csv(shared / "states_cow" / "cow_states.csv")
    gw = pd.read_csv(shared / "states_cow" / "gw_states.csv")
    spells = []
    for rec in cow.to_dict(orient="records"):
        spells.append({"scheme": "cown", "code": int(rec["ccode"]), "abbrev": rec["stateabb"],
                       "name": rec["statenme"], "first_year": int(rec["styear"]),
                       "last_year": None if rec["endyear"] >= 2016 else int(rec["endyear"])})
    for rec in gw.to_dict(orient="records"):
        end = int(rec["enddate"][:4])
        spells.append({"scheme": "gwn", "code": int(rec["gwcode"]), "abbrev": rec["stateabb"],
                       "name": rec["statename"], "first_year": int(rec["startdate"][:4]),
                       "last_year": None if end >= 2017 else end})
    spells = pd.DataFrame(spells)
    # codes in the codelist that the state-system files lack (none expected, but keep them resolvable)
    for scheme in ("cown", "gwn"):
        known = set(spells.loc[spells.scheme == scheme, "code"])
        for (sch, code), iso3 in sorted(code_to_iso3.items()):
            if sch == scheme and code not in known:
                rec = countries[countries.iso3 == iso3].iloc[0]
                spells.loc[len(spells)] = {"scheme": scheme, "code": code,
                                           "abbrev": rec["cowc" if scheme == "cown" else "gwc"],
                                           "name": rec["name"], "first_year": None, "last_year": None}
    spells["iso3"] = [code_to_iso3.get((s, c), "") for s, c in zip(spells.scheme, spells.code)]
    spells["first_year"] = spells["first_year"].astype("Int64")
    spells["last_year"] = spells["last_year"].astype("Int64")
    spells = spells.sort_values(["scheme", "code", "first_year"])
    # A state's own (static) code is the code of its current spell where it has one (VNM: G-W 816, not 815;
    # YEM: G-W 678; SRB: G-W 340).
    for scheme, abbrev_col in (("cown", "cowc"), ("gwn", "gwc")):
        current = spells[(spells.scheme == scheme) & spells.last_year.isna() & (spells.iso3 != "")]
        for rec in current.to_dict(orient="records"):
            mask = countries.iso3 == rec["iso3"]
            countries.loc[mask, scheme] = rec["code"]
            countries.loc[mask, abbrev_col] = rec["abbrev"]

    former = codelist[codelist["iso3c"].isna() & codelist["country.name.en.regex"].notna()]
    former = former[~former["country.name.en"].isin(["Unknown", "Stateless"])]
    former_rows = []
    for rec in former.to_dict(orient="records"):
        cown, gwn = _int_or_none(rec["cown"]), _int_or_none(rec["gwn"])
        iso3 = FORMER_STATE_ISO3.get(rec["country.name.en"], "")
        if not iso3:
            iso3 = code_to_iso3.get(("cown", cown), "") if cown is not None else ""
        former_rows.append({"name": rec["country.name.en"], "regex": rec["country.name.en.regex"],
                            "cown": cown, "gwn": gwn, "iso3": iso3})
    former_states = pd.DataFrame(former_rows)
    former_states["cown"] = former_states["cown"].astype("Int64")
    former_states["gwn"] = former_states["gwn"].astype("Int64")

    out.mkdir(parents=True, exist_ok=True)
    countries.to_csv(out / "countries.csv", index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    spells.to_csv(out / "code_spells.csv", index=False, lineterminator="\n")
    former_states.to_csv(out / "former_states.csv", index=False, lineterminator="\n")
    print(f"countries.csv: {len(countries)} rows; code_spells.csv: {len(spells)} rows; "
          f"former_states.csv: {len(former_states)} rows -> {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    build(args.shared, args.out)


if __name__ == "__main__":
    main()
