"""The bundled dyad-year panel: channels, monadic variables and the on-disk layout.

Layout (``src/suasion/data/panel/``):

``dyads.parquet``
    One row per directed dyad-year (``source``, ``target``, ``year``) for every pair of states
    that both exist in that year (state-system membership per ``states.parquet``), 1995 to the
    last year any source covers. For each channel ``c`` in :data:`DYADIC_CHANNELS` two columns:
    ``c`` (float, the value; NaN when missing) and ``c_year`` (Int16, the year the value was
    observed in). The flag is derived from them:

    * ``c_year == year``  -> observed
    * ``c_year <  year``  -> carried forward from ``c_year``
    * ``c_year`` is null   -> missing (and ``c`` is NaN)

    Symmetric channels (``symmetric=True``) hold the same value in both directions.
``monadic.parquet``
    One row per state-year (``iso3``, ``year``) with each variable in :data:`MONADIC_VARIABLES`
    and its ``*_year`` column, same flag convention.
``states.parquet``
    ``iso3``, ``cown``, ``name``, ``start_year``, ``end_year``: which states the panel holds when.
``provenance.csv``
    ``source_id``, ``name``, ``version``, ``citation``, ``licence``, ``origin``, ``channels``,
    ``years``: one row per raw source used.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Flag(str, Enum):
    observed = "observed"
    carried_forward = "carried_forward"
    missing = "missing"


@dataclass(frozen=True)
class Channel:
    name: str
    unit: str
    description: str
    source_id: str
    symmetric: bool = False


DYADIC_CHANNELS: tuple[Channel, ...] = (
    Channel("exports", "current USD m", "goods exports from source to target (COW flow)", "cow_trade"),
    Channel("arms_tiv", "SIPRI TIV m", "major conventional arms delivered by source to target", "sipri"),
    Channel("oda", "constant USD m", "ODA gross disbursements from source to target (OECD DAC2a; "
            "China: AidData ODA-like commitments)", "oecd_dac"),
    Channel("oof", "constant USD m", "other official flows, China only (AidData OOF-like commitments)",
            "aiddata_gcdf"),
    Channel("atop_defense", "0/1", "ATOP defence pledge", "atop"),
    Channel("atop_offense", "0/1", "ATOP offence pledge", "atop"),
    Channel("atop_neutral", "0/1", "ATOP neutrality pledge", "atop"),
    Channel("atop_nonagg", "0/1", "ATOP non-aggression pledge", "atop"),
    Channel("atop_consul", "0/1", "ATOP consultation pledge", "atop"),
    Channel("dca", "count", "defence cooperation agreements in force (DCAD)", "dcad", symmetric=True),
    Channel("igo_shared", "count", "IGOs in which both are full members (COW IGO)", "cow_igo",
            symmetric=True),
    Channel("unga_distance", "ideal-point units", "absolute distance of UNGA ideal points "
            "(Bailey, Strezhnev & Voeten, idealpointall)", "unga_idealpoints", symmetric=True),
    Channel("exercises", "count", "multinational military exercises held together (MME)", "mme",
            symmetric=True),
    Channel("us_troops", "persons", "US active-duty troops stationed in target (source is USA)",
            "troopdata"),
    Channel("visits", "count", "high-level visits by source's leaders to target", "visits"),
)

MONADIC_VARIABLES: dict[str, str] = {
    "gdp": "GDP, current USD m (World Bank WDI)",
    "population": "population, persons (World Bank WDI)",
    "milex": "military expenditure, current USD m (SIPRI via WDI; COW NMC before 2000)",
    "milper": "military personnel, thousands (COW NMC)",
    "cinc": "composite index of national capability (COW NMC)",
}

CHANNEL_NAMES: tuple[str, ...] = tuple(c.name for c in DYADIC_CHANNELS)
CHANNELS_BY_NAME: dict[str, Channel] = {c.name: c for c in DYADIC_CHANNELS}
