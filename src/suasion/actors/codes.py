"""States and their codes: everything resolves to ISO 3166-1 alpha-3 (ISO3).

Accepted inputs (``scheme="auto"``):

* ``int`` or a digit string -> a Correlates of War (COW) state number (``260``, ``"770"``);
  prefixes select the scheme explicitly: ``"cow:260"``, ``"gw:260"``, ``"iso2:NA"``, ``"iso3:PAK"``,
  ``"cowc:UKG"`` (also ``"cown:"``, ``"gwn:"``);
* three letters that are an ISO3 code -> that code (case-insensitive: ``"pak"`` -> ``"PAK"``);
* two letters -> an ISO2 code (``"NA"`` is Namibia, never "not available");
* anything else -> a country name, matched (case-insensitively) against the bundled names and
  aliases, then against the countrycode English-name regular expressions, then, only if both fail,
  with ``country_converter`` (imported lazily; it is slow to import).

Kosovo is ``XKX`` (ISO2 ``XK``, user-assigned codes used by the EU and the World Bank), Taiwan is
``TWN`` and Palestine is ``PSE``.

COW and Gleditsch-Ward (G-W) codes are mapped through year-stamped spells (``data/code_spells.csv``)
built from the COW State System (v2016) and the G-W list by ``scripts/build_actors.py``. A code maps
to the ISO3 of the state its list treats as the same state (COW 255 and 260 -> DEU; 345 -> SRB;
678/679 -> YEM; 816 -> VNM; 365 -> RUS); states that ended without a same-code successor
(German Democratic Republic 265, South Yemen 680, Republic of Vietnam 817, Czechoslovakia 315, ...)
have no ISO3 code. With ``year`` the spell covering that year is used; a year outside every spell of
the code (COW 255 in 1950, during the occupation) uses the nearest spell.

Lookups use dictionaries built once from package data; results are cached.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from suasion.errors import UnknownActorError

SCHEMES = ("auto", "name", "iso2", "iso3", "cown", "gwn", "cowc")
_PREFIXES = {"cow": "cown", "cown": "cown", "gw": "gwn", "gwn": "gwn", "iso2": "iso2", "iso3": "iso3",
             "cowc": "cowc", "name": "name"}
_PREFIX_RE = re.compile(r"^\s*([a-z0-9]+)\s*:\s*(.+?)\s*$", re.IGNORECASE)
_SCHEME_LABEL = {"cown": "COW code", "gwn": "G-W code", "iso2": "ISO2 code", "iso3": "ISO3 code",
                 "cowc": "COW letter code", "name": "country"}


@dataclass(frozen=True)
class Spell:
    """One membership spell of a COW or G-W code in its state list."""

    code: int
    abbrev: str
    name: str
    first_year: int | None
    last_year: int | None  # None: still a member at the end of the list
    iso3: str | None


@dataclass(frozen=True)
class _Tables:
    iso3_name: dict[str, str]
    iso2_to_iso3: dict[str, str]
    iso3_to_iso2: dict[str, str]
    cowc_to_iso3: dict[str, str]
    name_to_iso3: dict[str, str]          # normalised name or alias -> ISO3
    regexes: tuple[tuple[re.Pattern[str], str | None, str], ...]  # (pattern, iso3 or None, label)
    spells: dict[str, dict[int, tuple[Spell, ...]]]  # scheme -> code -> spells sorted by first year
    static_code: dict[str, dict[str, int]]   # scheme -> ISO3 -> the state's current code
    rows: tuple[dict[str, str], ...]


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("suasion.actors").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _normalise(text: str) -> str:
    """Lower case, accents stripped, punctuation to spaces, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_text = ascii_text.replace("&", " and ").replace("’", "'")
    return " ".join(re.sub(r"[^0-9a-z']+", " ", ascii_text.lower()).split())


def _int(text: str) -> int | None:
    return int(text) if text else None


@lru_cache(maxsize=1)
def tables() -> _Tables:
    """All lookup dictionaries, built once from ``data/countries.csv``, ``code_spells.csv`` and
    ``former_states.csv``."""
    rows = _read_csv("countries.csv")
    iso3_name = {r["iso3"]: r["name"] for r in rows}
    iso2_to_iso3 = {r["iso2"]: r["iso3"] for r in rows if r["iso2"]}
    iso3_to_iso2 = {v: k for k, v in iso2_to_iso3.items()}
    cowc_to_iso3 = {r["cowc"]: r["iso3"] for r in rows if r["cowc"]}
    name_to_iso3: dict[str, str] = {}
    for r in rows:
        for alias in [r["name"], *filter(None, r["aliases"].split("|"))]:
            name_to_iso3.setdefault(_normalise(alias), r["iso3"])
    regexes: list[tuple[re.Pattern[str], str | None, str]] = [
        (re.compile(r["regex"], re.IGNORECASE), r["iso3"], r["name"]) for r in rows if r["regex"]]
    for r in _read_csv("former_states.csv"):
        regexes.append((re.compile(r["regex"], re.IGNORECASE), r["iso3"] or None, r["name"]))
    spells: dict[str, dict[int, list[Spell]]] = {"cown": {}, "gwn": {}}
    for r in _read_csv("code_spells.csv"):
        spell = Spell(int(r["code"]), r["abbrev"], r["name"], _int(r["first_year"]), _int(r["last_year"]),
                      r["iso3"] or None)
        spells[r["scheme"]].setdefault(spell.code, []).append(spell)
        if r["scheme"] == "cown" and r["abbrev"] and r["iso3"]:
            cowc_to_iso3.setdefault(r["abbrev"], r["iso3"])
    frozen_spells = {s: {c: tuple(sorted(v, key=lambda sp: sp.first_year or 0)) for c, v in d.items()}
                     for s, d in spells.items()}
    static_code = {s: {r["iso3"]: int(r[s]) for r in rows if r[s]} for s in ("cown", "gwn")}
    return _Tables(iso3_name, iso2_to_iso3, iso3_to_iso2, cowc_to_iso3, name_to_iso3, tuple(regexes),
                   frozen_spells, static_code, tuple(rows))


# ---------------------------------------------------------------------------------------- COW / G-W


def _spell_for(scheme: str, code: int, year: int | None) -> Spell | None:
    spells = tables().spells[scheme].get(int(code))
    if not spells:
        return None
    if year is None:
        # the latest spell, i.e. what the code means now (or meant last)
        return spells[-1]
    for spell in spells:
        if (spell.first_year is None or spell.first_year <= year) and (
                spell.last_year is None or year <= spell.last_year):
            return spell

    def distance(spell: Spell) -> int:
        lo = spell.first_year if spell.first_year is not None else -10**6
        hi = spell.last_year if spell.last_year is not None else 10**6
        return lo - year if year < lo else year - hi

    return min(spells, key=distance)


def cow_to_iso3(ccode: int, year: int | None = None) -> str | None:
    """ISO3 of a COW state number (in ``year`` if given); ``None`` for codes with no ISO3 equivalent
    (e.g. 265, the German Democratic Republic) or unknown codes."""
    spell = _spell_for("cown", ccode, year)
    return spell.iso3 if spell else None


def gw_to_iso3(gwcode: int, year: int | None = None) -> str | None:
    """ISO3 of a Gleditsch-Ward state number (in ``year`` if given); ``None`` when there is none."""
    spell = _spell_for("gwn", gwcode, year)
    return spell.iso3 if spell else None


def codes_to_iso3(codes: Iterable[Any], scheme: str = "cown",
                  years: Iterable[int | None] | int | None = None) -> list[str | None]:
    """Vectorised :func:`cow_to_iso3` / :func:`gw_to_iso3`: one ISO3 (or ``None``) per code.

    ``years`` is one year for all codes, or one per code (e.g. a DataFrame's year column). Missing
    codes (``None``/NaN) give ``None``.
    """
    if scheme not in ("cown", "gwn"):
        raise ValueError(f"scheme must be 'cown' or 'gwn', not {scheme!r}")
    codes = list(codes)
    year_list = [years] * len(codes) if years is None or isinstance(years, int) else list(years)
    out: list[str | None] = []
    lookup = _cached_code
    for code, year in zip(codes, year_list):
        if code is None or code != code:  # NaN
            out.append(None)
            continue
        out.append(lookup(scheme, int(code), None if year is None or year != year else int(year)))
    return out


@lru_cache(maxsize=65536)
def _cached_code(scheme: str, code: int, year: int | None) -> str | None:
    spell = _spell_for(scheme, code, year)
    return spell.iso3 if spell else None


def iso3_to_code(iso3: str, scheme: str) -> int | str | None:
    """A state's current code in ``scheme`` ("iso2", "cown" or "gwn"); ``None`` if it has none."""
    t = tables()
    if scheme == "iso2":
        return t.iso3_to_iso2.get(iso3)
    if scheme in ("cown", "gwn"):
        return t.static_code[scheme].get(iso3)
    raise ValueError(f"scheme must be 'iso2', 'cown' or 'gwn', not {scheme!r}")


# -------------------------------------------------------------------------------------- resolution


def _suggestion_pool() -> dict[str, str]:
    """normalised candidate string -> label "Name (ISO3)" for suggestions."""
    return _state_suggestion_pool()


@lru_cache(maxsize=1)
def _state_suggestion_pool() -> dict[str, str]:
    t = tables()
    pool: dict[str, str] = {}
    for r in t.rows:
        label = f"{r['name']} ({r['iso3']})"
        pool.setdefault(r["iso3"].lower(), label)
        for alias in [r["name"], *filter(None, r["aliases"].split("|"))]:
            pool.setdefault(_normalise(alias), label)
    return pool


def close_matches(value: str, pool: dict[str, str], n: int = 4) -> list[str]:
    """Labels of the ``n`` closest candidates: difflib ratio >= 0.8 if any, else >= 0.6, else >= 0.4."""
    key = _normalise(str(value))
    labels: list[str] = []
    for cutoff in (0.8, 0.6, 0.4):
        for candidate in difflib.get_close_matches(key, list(pool), n=n * 3, cutoff=cutoff):
            if pool[candidate] not in labels:
                labels.append(pool[candidate])
        if labels:
            break
    # names that start with what was typed ("pak" -> Pakistan) also count
    if len(key) >= 3:
        for candidate, label in pool.items():
            if candidate.startswith(key) and label not in labels:
                labels.append(label)
    return labels[:n]


def unknown_actor_message(value: Any, what: str, suggestions: list[str]) -> str:
    hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
    return f"unknown {what} {str(value)!r}{hint}"


def _unknown(value: Any, scheme: str) -> UnknownActorError:
    what = _SCHEME_LABEL.get(scheme, "country")
    return UnknownActorError(unknown_actor_message(value, what, close_matches(str(value), _suggestion_pool())))


def _no_iso3(value: Any, spell_or_name: str) -> UnknownActorError:
    return UnknownActorError(f"{value!r} refers to {spell_or_name}, which has no ISO3 code "
                             "(a state that ended without a successor keeping its code)")


def _from_number(value: Any, scheme: str, year: int | None) -> str:
    try:
        code = int(str(value).strip())
    except ValueError:
        raise _unknown(value, scheme) from None
    spell = _spell_for(scheme, code, year)
    if spell is None:
        raise UnknownActorError(f"unknown {_SCHEME_LABEL[scheme]} {code}")
    if spell.iso3 is None:
        years = f"{spell.first_year}-{spell.last_year if spell.last_year else ''}"
        raise _no_iso3(value, f"{_SCHEME_LABEL[scheme]} {code} ({spell.name}, {years})")
    return spell.iso3


@lru_cache(maxsize=1)
def _country_converter() -> Any:
    """A ``country_converter.CountryConverter``, created on first need (importing it takes ~0.5 s).

    Its bundled table is read with ``keep_default_na=False``: country_converter 1.3 reads ISO2 "NA"
    (Namibia) as missing under pandas 3 and then fails to build its regexes.
    """
    import os

    import country_converter as coco
    import pandas as pd

    path = os.path.join(os.path.dirname(coco.__file__), "country_data.tsv")
    data = pd.read_csv(path, sep="\t", encoding="utf-8", keep_default_na=False, na_values=[""], dtype=str)
    return coco.CountryConverter(country_data=data)


def _from_converter(value: str) -> str | None:
    import logging

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    try:
        result = _country_converter().convert(value, src="regex", to="ISO3", not_found=None)
    except Exception:  # noqa: BLE001 - a broken optional fallback must not hide the real error
        return None
    if isinstance(result, list):
        return None  # matched several countries
    return result if result in tables().iso3_name else None


def _from_name(value: str, year: int | None) -> str:
    t = tables()
    key = _normalise(value)
    if not key:
        raise UnknownActorError(f"empty country name {value!r}")
    found = t.name_to_iso3.get(key)
    if found:
        return found
    matches: list[tuple[int, str | None, str]] = []
    for pattern, iso3, label in t.regexes:
        m = pattern.search(value)
        if m is None and key != value:
            m = pattern.search(key)
        if m is not None:
            matches.append((m.end() - m.start(), iso3, label))
    if matches:
        matches.sort(key=lambda x: -x[0])
        best = matches[0]
        if len(matches) == 1 or matches[1][0] < best[0]:
            if best[1] is None:
                raise _no_iso3(value, best[2])
            return best[1]
    converted = _from_converter(value)
    if converted:
        return converted
    raise _unknown(value, "name")


@lru_cache(maxsize=16384)
def _to_iso3_cached(value: str | int, scheme: str, year: int | None) -> str:
    t = tables()
    if scheme == "auto":
        if isinstance(value, int):
            return _from_number(value, "cown", year)
        text = value.strip()
        prefixed = _PREFIX_RE.match(text)
        if prefixed and prefixed.group(1).lower() in _PREFIXES:
            return _to_iso3_cached(prefixed.group(2), _PREFIXES[prefixed.group(1).lower()], year)
        if text.isdigit():
            return _from_number(text, "cown", year)
        if len(text) == 3 and text.isalpha() and text.upper() in t.iso3_name:
            return text.upper()
        if len(text) == 2 and text.isalpha():
            found = t.iso2_to_iso3.get(text.upper())
            if found:
                return found
        try:
            return _from_name(text, year)
        except UnknownActorError:
            if len(text) == 3 and text.isalpha() and text.upper() in t.cowc_to_iso3:
                return t.cowc_to_iso3[text.upper()]
            raise
    if scheme in ("cown", "gwn"):
        return _from_number(value, scheme, year)
    text = str(value).strip()
    if scheme == "iso3":
        if text.upper() in t.iso3_name:
            return text.upper()
        raise _unknown(value, scheme)
    if scheme == "iso2":
        found = t.iso2_to_iso3.get(text.upper())
        if found:
            return found
        raise _unknown(value, scheme)
    if scheme == "cowc":
        found = t.cowc_to_iso3.get(text.upper())
        if found:
            return found
        raise _unknown(value, scheme)
    return _from_name(text, year)


def to_iso3(value: str | int, *, scheme: str = "auto", year: int | None = None) -> str:
    """The ISO3 code of a state given by name, ISO2, ISO3, COW or G-W code (see the module docstring).

    Raises :class:`~suasion.errors.UnknownActorError` naming the value and the closest matches.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {', '.join(SCHEMES)}, not {scheme!r}")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        if hasattr(value, "item"):  # NumPy scalars
            value = value.item()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise UnknownActorError(f"unknown country {value!r}: expected a name or a code")
    return _to_iso3_cached(value, scheme, None if year is None else int(year))


def to_iso3_many(values: Iterable[Any], **kw: Any) -> list[str]:
    """:func:`to_iso3` over an iterable (list, pandas Series, ...); each distinct value is resolved once."""
    return [to_iso3(v, **kw) for v in values]


def state_name(iso3: str) -> str | None:
    """The English short name of a state, or ``None`` if ``iso3`` is not a known ISO3 code."""
    return tables().iso3_name.get(iso3.upper())


def all_states() -> list[str]:
    """Every ISO3 code in the crosswalk, sorted."""
    return sorted(tables().iso3_name)
