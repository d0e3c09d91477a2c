"""Build-time country-code helpers: COW, Gleditsch-Ward and free-text names to ISO3.

Only ``scripts/build_panel.py`` (through :mod:`suasion.panel.build`) uses this module; it reads
the crosswalks in ``../shared/data/country_codes`` (countrycode R package, Arel-Bundock,
Enevoldsen & Yetman 2018, JOSS 3(28):848). At run time the package reads only its own files.

Rules (applied before the year-varying crosswalk):

* COW 255 (Germany) and 260 (German Federal Republic) -> ``DEU``.
* COW 345 (Yugoslavia / Serbia and Montenegro / Serbia) -> ``SRB`` in every year; Montenegro
  (341) appears separately from 2006. The panel treats Serbia as the continuing state.
* COW / G-W 347 (Kosovo) -> ``XKX`` (not an ISO code; the World Bank and the EU use it).
* G-W 340 (Serbia) and 345 -> ``SRB``; G-W 678 (Yemen) -> ``YEM``; G-W 260 -> ``DEU``.
* Otherwise: the ``codelist_panel`` row of that code and year, and failing that the static
  ``codelist`` row of that code.
"""

from __future__ import annotations

import re

from functools import lru_cache
from pathlib import Path

import pandas as pd

COW_OVERRIDES: dict[int, str] = {255: "DEU", 260: "DEU", 345: "SRB", 347: "XKX"}
GW_OVERRIDES: dict[int, str] = {260: "DEU", 340: "SRB", 345: "SRB", 347: "XKX", 678: "YEM", 816: "VNM"}

# Names used by SIPRI, OECD DAC, the State Department travel pages and CEIAS that
# country_converter does not resolve (or resolves to a different entity). None = not a state.
NAME_OVERRIDES: dict[str, str | None] = {
    "Kosovo": "XKX",
    "Serbia": "SRB",
    "Yugoslavia": "SRB",
    "Serbia and Montenegro": "SRB",
    "Chinese Taipei": "TWN",
    "Taiwan": "TWN",
    "China (People's Republic of)": "CHN",
    "West Bank and Gaza Strip": "PSE",
    "Palestine": "PSE",
    "Micronesia": "FSM",
    "Macedonia": "MKD",
    "Turkey": "TUR",
    "Turkiye": "TUR",
    "North Macedonia": "MKD",
    "Serbia-Montenegro (Kosovo)": "SRB",
    "Yugoslavia (Kosovo)": "SRB",
    "Denmark (Greenland)": "DNK",
    "Northern Cyprus": None,
    "Czechoslovakia": None,
    "Soviet Union": None,
    "East Germany (GDR)": None,
    "South Vietnam": None,
    "North Yemen": None,
    "South Yemen": None,
}


def _read_codelist_panel(raw: Path) -> pd.DataFrame:
    return pd.read_csv(raw / "country_codes" / "codelist_panel.csv.gz",
                       usecols=["country.name.en", "year", "cown", "gwn", "iso3c"],
                       keep_default_na=False, na_values=[""])


def _read_codelist(raw: Path) -> pd.DataFrame:
    return pd.read_csv(raw / "country_codes" / "codelist.csv",
                       usecols=["country.name.en", "cown", "gwn", "iso3c"],
                       keep_default_na=False, na_values=[""])


@lru_cache(maxsize=4)
def _code_tables(raw: Path, column: str) -> tuple[dict[tuple[int, int], str], dict[int, str]]:
    panel = _read_codelist_panel(raw).dropna(subset=[column, "iso3c"])
    by_year = {(int(c), int(y)): str(i) for c, y, i in zip(panel[column], panel["year"], panel["iso3c"])}
    static = _read_codelist(raw).dropna(subset=[column, "iso3c"])
    fixed = {int(c): str(i) for c, i in zip(static[column], static["iso3c"])}
    return by_year, fixed


def _mapper(raw: Path, column: str, overrides: dict[int, str]):
    by_year, fixed = _code_tables(Path(raw), column)

    def to_iso3(code: int, year: int | None = None) -> str | None:
        code = int(code)
        if code in overrides:
            return overrides[code]
        if year is not None and (code, int(year)) in by_year:
            return by_year[(code, int(year))]
        return fixed.get(code)

    return to_iso3


def cow_to_iso3_frame(raw: Path, codes: pd.Series, years: pd.Series | None = None) -> pd.Series:
    """ISO3 for COW codes (year-varying when ``years`` is given); None where unmapped."""
    return _map_frame(_mapper(raw, "cown", COW_OVERRIDES), codes, years)


def gw_to_iso3_frame(raw: Path, codes: pd.Series, years: pd.Series | None = None) -> pd.Series:
    """ISO3 for Gleditsch-Ward codes; None where unmapped."""
    return _map_frame(_mapper(raw, "gwn", GW_OVERRIDES), codes, years)


def _map_frame(fn, codes: pd.Series, years: pd.Series | None) -> pd.Series:
    codes = pd.to_numeric(codes, errors="coerce")
    if years is None:
        pairs = pd.DataFrame({"c": codes, "y": -1})
    else:
        pairs = pd.DataFrame({"c": codes, "y": pd.to_numeric(years, errors="coerce")})
    uniq = pairs.drop_duplicates().dropna()
    lookup = {(c, y): fn(int(c), None if y == -1 else int(y)) for c, y in zip(uniq["c"], uniq["y"])}
    return pd.Series([lookup.get((c, y)) for c, y in zip(pairs["c"], pairs["y"])], index=codes.index,
                     dtype=object)


@lru_cache(maxsize=2)
def _name_regexes(raw: Path) -> list[tuple[re.Pattern[str], str]]:
    table = pd.read_csv(raw / "country_codes" / "codelist.csv", usecols=["country.name.en.regex", "iso3c"],
                        keep_default_na=False, na_values=[""]).dropna()
    out = []
    for pattern, iso in zip(table["country.name.en.regex"], table["iso3c"]):
        try:
            out.append((re.compile(pattern, re.IGNORECASE), str(iso)))
        except re.error:
            continue
    return out


def names_to_iso3(raw: Path, names: pd.Series | list[str]) -> dict[str, str | None]:
    """Map free-text country names to ISO3 with the countrycode English-name regexes.

    :data:`NAME_OVERRIDES` take precedence. Names ending in ``*`` (SIPRI non-state actors) or
    ``**`` (organisations), names starting with ``Unknown``, and names matching no regex or
    several ISO3 codes map to None.
    """
    regexes = _name_regexes(Path(raw))
    result: dict[str, str | None] = {}
    for name in {str(n) for n in names if isinstance(n, str) and n.strip()}:
        clean = name.strip()
        if clean in NAME_OVERRIDES:
            result[name] = NAME_OVERRIDES[clean]
        elif clean.endswith("*") or clean.lower().startswith("unknown"):
            result[name] = None
        else:
            hits = {iso for pattern, iso in regexes if pattern.search(clean)}
            result[name] = hits.pop() if len(hits) == 1 else None
    return result
