"""Blocs (EU, NATO, GCC, ASEAN, SCO, African Union) with dated membership.

Membership lives in ``data/blocs.csv`` (bloc, iso3, joined, left), one row per membership spell, in
whole years. The rule:

* a state is a member in year ``y`` when ``joined <= y`` and (``left`` is empty or ``y < left``);
* ``joined`` is the year the accession took effect, whatever the month: a state is a member for the
  whole of its accession year (Poland joined the EU on 1 May 2004 -> member in 2004, not 2003);
* ``left`` is the year the exit took effect, and the state is not a member in that year: the UK left
  the EU on 31 January 2020 -> ``left = 2020``: member through 2019, not in 2020;
* suspensions are not exits (African Union suspensions after coups; Qatar's 2017-2021 blockade within
  the GCC), nor is a step back from a bloc's integrated structure (France outside NATO's integrated
  military command 1966-2009, Greece 1974-1980): these states stay members;
* the EU is counted from the European Economic Community (in force 1 January 1958) through the
  European Communities to the Union; West Germany is DEU throughout, reunification changes nothing;
* the African Union (launched 9 July 2002) starts with the 53 members of the OAU, including the
  Sahrawi Arab Democratic Republic, coded ESH (Western Sahara); South Sudan joined in 2011 and Morocco,
  outside the OAU since 1984, in 2017.

Sources (official lists and treaties) are cited in ``src/suasion/data/NOTICE`` and in
``data/bloc_definitions.csv``.

A bloc as a source or target of leverage is the sum of its members' flows with the outside world,
never intra-bloc flows; that aggregation is done by the leverage engine from :func:`bloc_members`.
"""

from __future__ import annotations

import datetime

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from suasion.actors import codes
from suasion.errors import CoverageError, UnknownActorError

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Bloc:
    code: str
    name: str
    founded: int
    aliases: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class MembershipSpell:
    bloc: str
    iso3: str
    joined: int
    left: int | None  # first year no longer a member; None = still a member


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("suasion.actors").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def _definitions() -> dict[str, Bloc]:
    out = {}
    for r in _read_csv("bloc_definitions.csv"):
        out[r["bloc"]] = Bloc(r["bloc"], r["name"], int(r["founded"]),
                              tuple(a for a in r["aliases"].split("|") if a), r["source"])
    return out


@lru_cache(maxsize=1)
def _spells() -> dict[str, tuple[MembershipSpell, ...]]:
    out: dict[str, list[MembershipSpell]] = {b: [] for b in _definitions()}
    for r in _read_csv("blocs.csv"):
        out[r["bloc"]].append(MembershipSpell(r["bloc"], r["iso3"], int(r["joined"]),
                                              int(r["left"]) if r["left"] else None))
    return {b: tuple(v) for b, v in out.items()}


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, str]:
    """normalised bloc code, name or alias -> canonical bloc code."""
    index: dict[str, str] = {}
    for bloc in _definitions().values():
        for alias in (bloc.code, bloc.name, *bloc.aliases):
            index[codes._normalise(alias)] = bloc.code
    return index


def bloc_code(value: str) -> str | None:
    """The canonical code of a bloc given by code, name or alias ("eu", "European Union" -> "EU");
    ``None`` when ``value`` is not a bloc."""
    if not isinstance(value, str):
        return None
    return _alias_index().get(codes._normalise(value))


def is_bloc(value: str) -> bool:
    """True for a bloc code, name or alias, in any case ("EU", "eu", "European Union")."""
    return bloc_code(value) is not None


def _require_bloc(bloc: str) -> str:
    code = bloc_code(bloc)
    if code is None:
        pool = {codes._normalise(a): f"{b.name} ({b.code})" for b in _definitions().values()
                for a in (b.code, b.name, *b.aliases)}
        raise UnknownActorError(codes.unknown_actor_message(bloc, "bloc", codes.close_matches(bloc, pool))
                                + f" (known blocs: {', '.join(_definitions())})")
    return code


@lru_cache(maxsize=4096)
def _members(code: str, year: int) -> frozenset[str]:
    return frozenset(s.iso3 for s in _spells()[code]
                     if s.joined <= year and (s.left is None or year < s.left))


def bloc_members(bloc: str, year: int) -> frozenset[str]:
    """ISO3 codes of the members of ``bloc`` in ``year`` (membership rule in the module docstring).

    Raises :class:`~suasion.errors.CoverageError` for a year before the bloc existed and
    :class:`~suasion.errors.UnknownActorError` for an unknown bloc.
    """
    code = _require_bloc(bloc)
    founded = _definitions()[code].founded
    year = int(year)
    known_to = datetime.date.today().year
    if year > known_to:
        raise CoverageError(f"bloc membership is known up to {known_to}; {year} is in the future")
    if year < founded:
        raise CoverageError(f"bloc {code} ({_definitions()[code].name}) did not exist in {year}; "
                            f"it was founded in {founded}")
    return _members(code, year)


def bloc_codes() -> tuple[str, ...]:
    """The codes of every bloc suasion knows, in the order of its definitions file."""
    return tuple(_definitions())


def bloc_name(bloc: str) -> str:
    """The full name of a bloc ("EU" -> "European Union")."""
    return _definitions()[_require_bloc(bloc)].name


def bloc_codes() -> list[str]:
    """The canonical codes of all blocs, in definition order."""
    return list(_definitions())


def blocs() -> pd.DataFrame:
    """One row per bloc: bloc, name, founded, members_now (number of members in the latest year of
    the membership data, i.e. today), source."""
    import pandas as pd

    latest = max(max(s.joined, s.left or 0) for spells in _spells().values() for s in spells)
    rows = [{"bloc": b.code, "name": b.name, "founded": b.founded,
             "members_now": len(_members(b.code, latest)), "source": b.source}
            for b in _definitions().values()]
    return pd.DataFrame(rows, columns=["bloc", "name", "founded", "members_now", "source"])


def bloc_membership(bloc: str | None = None) -> pd.DataFrame:
    """Tidy membership: bloc, iso3, joined, left (nullable Int64; ``left`` is the first year no
    longer a member), one row per spell; all blocs or one."""
    import pandas as pd

    chosen = [_require_bloc(bloc)] if bloc is not None else list(_definitions())
    rows = [{"bloc": s.bloc, "iso3": s.iso3, "joined": s.joined, "left": s.left}
            for code in chosen for s in _spells()[code]]
    frame = pd.DataFrame(rows, columns=["bloc", "iso3", "joined", "left"])
    frame["joined"] = frame["joined"].astype("Int64")
    frame["left"] = frame["left"].astype("Int64")
    return frame


# --------------------------------------------------------------------------- states and blocs together


def resolve_actor(value: str | int, *, year: int | None = None) -> str:
    """ISO3 for a state, the canonical bloc code ("EU", "NATO", "GCC", "ASEAN", "SCO", "AU") for a bloc.

    Blocs are tried first, so "AU" is the African Union (Australia is "AUS" or "Australia").
    Raises :class:`~suasion.errors.UnknownActorError` with suggestions from states and blocs.
    """
    if isinstance(value, str):
        code = bloc_code(value)
        if code is not None:
            return code
    try:
        return codes.to_iso3(value, year=year)
    except UnknownActorError as exc:
        if not (isinstance(value, str) and str(exc).startswith("unknown ")):
            raise  # a code with no ISO3 equivalent, or a bad number: the message already says why
        pool = dict(codes._state_suggestion_pool())
        for b in _definitions().values():
            for alias in (b.code, b.name, *b.aliases):
                pool.setdefault(codes._normalise(alias), f"{b.name} ({b.code})")
        raise UnknownActorError(codes.unknown_actor_message(
            value, "actor", codes.close_matches(value, pool))) from None


def actor_name(code: str) -> str:
    """The name of a state (ISO3 -> "Pakistan") or of a bloc ("EU" -> "European Union").

    Any value :func:`resolve_actor` accepts works; unknown values raise UnknownActorError.
    """
    bloc = bloc_code(code) if isinstance(code, str) else None
    if bloc is not None:
        return _definitions()[bloc].name
    name = codes.state_name(code) if isinstance(code, str) else None
    if name is not None:
        return name
    return codes.state_name(resolve_actor(code)) or str(code)


def members_frame(bloc: str, year: int) -> pd.DataFrame:
    """Members of ``bloc`` in ``year`` as a frame: iso3, name, joined (sorted by name)."""
    import pandas as pd

    code = _require_bloc(bloc)
    members = bloc_members(code, year)
    joined = {s.iso3: s.joined for s in _spells()[code] if s.iso3 in members and s.joined <= year}
    rows = [{"iso3": m, "name": codes.state_name(m) or m, "joined": joined[m]} for m in members]
    return pd.DataFrame(rows, columns=["iso3", "name", "joined"]).sort_values("name", ignore_index=True)
