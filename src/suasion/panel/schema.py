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
``build_report.json``
    What the build read and dropped (unmapped codes, organisations and non-state actors, rows
    outside panel states), per source.

States: COW state-system membership v2016 (spells ending in 2016 are assumed to last to 2024),
mapped to ISO3 with the year-varying countrycode crosswalk; COW 255/260 -> DEU, 345 -> SRB in
every year (Serbia as the continuing state of Yugoslavia / Serbia and Montenegro; Montenegro
from 2006), 347 -> XKX (from 2008), 713 -> TWN.

Source rules (``scripts/build_panel.py``; readers in ``suasion.panel.sources``):

* ``exports``: COW Trade v4.0 dyadic, ``flow1`` = imports of ccode1 from ccode2, so exports
  ccode2 -> ccode1 = ``flow1`` (and ccode1 -> ccode2 = ``flow2``); 1995-2014; empty = missing,
  0 = observed zero (flows are rounded to whole USD m); absent dyads missing.
* ``arms_tiv``: SIPRI TIV delivered per supplier-recipient-year: the official SIPRI TIV export
  tables (360info tidy file; whole TIV m, 0 = below 0.5) to 2021, and the DERIVED register file
  (orders' delivered TIV split equally over delivery years) for 2022-2023 (build option
  ``arms_source="derived"`` uses the DERIVED file throughout); 1995-2023; SIPRI names -> ISO3;
  organisations (``**``), non-state actors (``*``), unknown parties, Northern Cyprus and
  non-members of the panel (Palestine, Western Sahara, Aruba) dropped and counted in the build
  report; absence = observed 0.
* ``oda``: OECD DAC2a ``Memo: ODA Total, Gross disbursements`` (constant 2022 USD m), 2009-2022;
  for a donor reporting that year an absent recipient = observed 0; non-reporting donors and
  all other sources missing. China as an extra donor: AidData GCDF 3.0 ODA-like commitments
  (constant 2021 USD / 10^6), 2000-2021, absent recipient-year = observed 0. Price bases and
  disbursement vs commitment differ between the two; they are not re-based.
* ``oof``: AidData OOF-like commitments (USD / 10^6), source CHN only, 2000-2021, absent = 0;
  other sources missing.
* ``atop_*``: ATOP v5.1 directed dyad-years 1995-2018; absence = observed 0.
* ``dca``: DCAD v1.0 main file; an agreement is active from its entry-into-force year (signature
  year when EIF is unknown) through ``endYearEstimate``; count of active agreements, symmetric;
  1995-2010 observed (absence = 0); agreements entering into force after 2010 are not counted.
* ``igo_shared``: COW IGO v3 ``dyadigos`` (non-directed) written in both directions, to 2014.
* ``unga_distance``: ``|idealpointall_i - idealpointall_j|`` (July 2025 release), symmetric;
  observed when both have an ideal point (to 2023; 2024 is carried forward).
* ``exercises``: number of distinct MME v7 exercises both took part in that year (multi-year
  exercises count in each year), symmetric; 1995-2010, absence = 0. JME is not used.
* ``us_troops``: troopdata active-duty personnel (``troops_ad``) by host, source USA only,
  1995-2024, absent host = 0; other sources missing (the channel says nothing about them).
* ``visits``: USA = trips of the President and the Secretary of State (to 2020) plus US defence
  officials (1992-2012); CHN = Chinese leaders (CEIAS, to 2020); count per source-target-year,
  absent = 0 for USA and CHN; other sources missing.
* monadic: ``gdp`` WDI current USD / 10^6 (none for Taiwan); ``population`` WDI (COW NMC
  ``tpop`` x 1000 where WDI lacks it, e.g. Taiwan); ``milex`` = WDI military
  expenditure share of GDP x WDI GDP (2000-2022), COW NMC milex / 1000 before 2000 and where WDI
  lacks it; ``milper`` and ``cinc`` COW NMC v7 (to 2022).

Carry-forward: a missing cell takes the value of the same dyad (state) in the last earlier panel
year with one, and ``c_year`` records that year; never backward; pairs that do not both exist
are never filled. The build parameter ``carry_horizon`` (``--carry-horizon``; default: no
limit) caps the number of years a value may be carried.
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
