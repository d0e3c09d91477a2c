"""Reference tables shipped with the package: CAMEO codes, Goldstein scales, QuadClass schemes, actor codes.

All tables live in ``suasion/events/data/`` as CSV with their provenance in ``src/suasion/data/NOTICE``
(rebuilt by ``data/build_tables.py``). Codes are strings: ``"010"`` is not ``"10"``.

* Goldstein scale (Goldstein 1992, JCR 36(2)): two variants keyed by source, ``gdelt`` (GDELT's
  ``CAMEO.goldsteinscale.txt``) and ``icews`` (ICEWS/Parus, differs on 016, 022, 164, 165, adds 1213).
  Never mix them in one index.
* QuadClass: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict, under a named
  scheme: ``gdelt`` (09 material coop, 14 verbal conflict), ``icews`` (09 verbal conflict, 14 material conflict),
  ``phoenix`` (01-02 neutral = 0, 09 verbal conflict, 14 material conflict, 16 verbal conflict), ``plover``
  (01-02 dropped = missing, 081-083 verbal coop, 09 material coop, 14 material conflict, 16 verbal conflict).
* Actor countries: CAMEO 3-letter codes -> ISO3; region codes (CAMEO manual Table 3.3) and international
  generic codes map to nothing and are excluded from state-to-state work.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from suasion.events.errors import EventQueryError, UnknownEventActorError

QUAD_SCHEMES: tuple[str, ...] = ("gdelt", "icews", "phoenix", "plover")
QUAD_NAMES: dict[int, str] = {
    0: "neutral",
    1: "verbal_coop",
    2: "material_coop",
    3: "verbal_conflict",
    4: "material_conflict",
}
GOLDSTEIN_SCHEMES: tuple[str, ...] = ("gdelt", "icews")
#: the Goldstein and QuadClass schemes that belong to each dataset
DATASET_SCHEME: dict[str, str] = {"gdelt1": "gdelt", "gdelt2": "gdelt", "icews": "icews", "polecat": "polecat"}
#: the QuadClass scheme of PLOVER-coded data: the quad of each PLOVER event type (POLECAT's own ``Quad Code``)
POLECAT_SCHEME = "polecat"
#: COW codes POLECAT uses for states whose COW code ended (as bennotkin/fcv-prediction@122fc198 maps them)
POLECAT_COW_OVERRIDES: dict[str, str] = {"817": "VNM"}

#: CAMEO code prefixes of defence-diplomacy events (reference §14): military appeals and intents, visits and
#: meetings, negotiation, agreements, military cooperation, intelligence sharing, peacekeeping, easing sanctions,
#: force posture, reduced relations, aid cuts, sanctions, expulsions, fighting.
DEFENCE_CODE_PREFIXES: tuple[str, ...] = (
    "0212",
    "0256",
    "0312",
    "0332",
    "0334",
    "0356",
    "036",
    "040",
    "041",
    "042",
    "043",
    "044",
    "045",
    "046",
    "057",
    "062",
    "064",
    "074",
    "085",
    "15",
    "161",
    "162",
    "163",
    "166",
    "19",
)
#: actor types that make an event a defence-diplomacy event: GDELT type codes and ICEWS sector names
DEFENCE_GDELT_TYPES: tuple[str, ...] = ("MIL", "GOV")
DEFENCE_ICEWS_SECTORS: tuple[str, ...] = (
    "Military",
    "Defense / Security Ministry",
    "Military Intelligence",
    "Government",
)


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files("suasion.events").joinpath("data", name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def goldstein_table(scheme: str = "gdelt") -> dict[str, float]:
    """CAMEO event code -> Goldstein value under ``scheme`` (``gdelt`` or ``icews``)."""
    if scheme not in GOLDSTEIN_SCHEMES:
        raise EventQueryError(f"unknown Goldstein scheme {scheme!r}; "
                              f"choose one of {', '.join(GOLDSTEIN_SCHEMES)}")
    return {r["code"]: float(r["goldstein"]) for r in _rows(f"goldstein_{scheme}.csv")}


@cache
def event_labels() -> dict[str, str]:
    """CAMEO event code -> label (GDELT ``CAMEO.eventcodes.txt``)."""
    return {r["code"]: r["label"] for r in _rows("cameo_eventcodes.csv")}


@cache
def quad_table(scheme: str = "gdelt") -> dict[str, int | None]:
    """CAMEO event code -> QuadClass under a named scheme (None where the scheme drops the code)."""
    if scheme not in QUAD_SCHEMES:
        raise EventQueryError(f"unknown QuadClass scheme {scheme!r}; choose one of {', '.join(QUAD_SCHEMES)}")
    return {r["code"]: (int(r[scheme]) if r[scheme] != "" else None) for r in _rows("quadclass.csv")}


def quad_of(code: str, scheme: str = "gdelt") -> int | None:
    """QuadClass of one CAMEO code: exact code, else its 3-digit base, else its root (schemes are prefix-based)."""
    table = quad_table(scheme)
    for key in (code, code[:3], code[:2]):
        if key in table:
            return table[key]
    return None


@cache
def countries() -> list[dict[str, str]]:
    """CAMEO actor country codes: code, iso3 (empty for regions and international codes), kind, name."""
    return _rows("cameo_countries.csv")


@cache
def cameo_to_iso3() -> dict[str, str]:
    """CAMEO actor country code -> ISO3 for states (current and historic); regions are absent."""
    return {r["code"]: r["iso3"] for r in countries() if r["iso3"]}


@cache
def region_codes() -> frozenset[str]:
    return frozenset(r["code"] for r in countries() if r["kind"] == "region")


@cache
def icews_country_to_iso3() -> dict[str, str]:
    """ICEWS country name -> ISO3."""
    return {r["name"]: r["iso3"] for r in _rows("icews_countries.csv")}


@cache
def actor_types() -> dict[str, str]:
    """CAMEO actor type (role) code -> label (manual Table 3.1 and GDELT additions)."""
    return {r["code"]: r["label"] for r in _rows("actor_types.csv")}


@cache
def plover_types() -> list[dict[str, str]]:
    """PLOVER event types and modes: quad class and code, intensity and its source, CAMEO roots (approximate).

    Built from the PLOVER manual (2024-02, 2023-09), the NGEC-2025 codebook and POLECAT rows by
    ``data/build_plover.py``; provenance in ``src/suasion/data/NOTICE``.
    """
    return _rows("plover_types.csv")


@cache
def plover_quad() -> dict[str, int]:
    """PLOVER event type -> quad class (1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict)."""
    return {r["event_type"]: int(r["quad_class"]) for r in plover_types() if not r["mode"]}


@cache
def plover_intensity() -> dict[tuple[str, str], float]:
    """(event type, mode or "") -> PLOVER conflict-cooperation score, where a source gives one."""
    return {(r["event_type"], r["mode"]): float(r["intensity"]) for r in plover_types() if r["intensity"]}


@cache
def cow_to_iso3() -> dict[str, str]:
    """COW state number (as text) -> ISO3 of its current spell (suasion.actors' code spells), plus
    :data:`POLECAT_COW_OVERRIDES`; codes of states that ended without a successor are absent."""
    from importlib import resources as res

    latest: dict[str, tuple[int, str]] = {}
    with res.files("suasion.actors").joinpath("data", "code_spells.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["scheme"] == "cown" and r["iso3"]:
                first = int(r["first_year"] or 0)
                if r["code"] not in latest or first > latest[r["code"]][0]:
                    latest[r["code"]] = (first, r["iso3"])
    return {code: iso3 for code, (_, iso3) in latest.items()} | POLECAT_COW_OVERRIDES


def resolve_state(code: str) -> str:
    """An actor code given by a user -> the ISO3 code used in the store; clear error if it is not a state."""
    key = code.strip().upper()
    iso3 = cameo_to_iso3().get(key)
    if iso3:
        return iso3
    if key in region_codes():
        raise UnknownEventActorError(
            f"actor {code!r} is a CAMEO region code, not a state; state-to-state indices drop region codes"
        )
    kinds = {r["code"]: r for r in countries()}
    if key in kinds:
        raise UnknownEventActorError(
            f"actor {code!r} is a CAMEO {kinds[key]['kind']} code ({kinds[key]['name']}), not a state"
        )
    import difflib

    names = {r["name"].upper(): r["iso3"] for r in countries() if r["iso3"]}
    by_name = names.get(key)
    if by_name:
        return by_name
    close = difflib.get_close_matches(key, list(cameo_to_iso3()), n=3) or [
        names[n] for n in difflib.get_close_matches(key, list(names), n=3)
    ]
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UnknownEventActorError(f"unknown actor code {code!r}: not an ISO3/CAMEO state code{hint}")
