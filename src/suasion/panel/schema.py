"""The bundled dyad-year panel: channels, monadic variables and the on-disk layout.

Layout (``src/suasion/data/panel/``):

``dyads.parquet``
    One row per directed dyad-year (``source``, ``target``, ``year``) for every pair of states
    that both exist in that year (state-system membership per ``states.parquet``), 1995 to the
    last year any source covers. For each channel ``c`` in :data:`DYADIC_CHANNELS` two columns:
    ``c`` (float, the value; NaN when missing) and ``c_year`` (Int16, the year the value was
    observed in); channels in :data:`BASIS_CODES` also have ``c_basis`` (Int8, how the value was
    measured; null when missing). The flag is derived from them:

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

* ``exports``: IMF Direction of Trade Statistics (DOTS, 1990-2020, current USD m) for every
  dyad, COW Trade v4.0 where DOTS has nothing (to 2014). Each directed flow A -> B has up to two
  DOTS measurements; the first available of these is used, and ``exports_basis`` records which
  (codes in :data:`EXPORTS_BASIS`):

  1. B's reported imports from A, CIF;
  2. A's reported exports to B, FOB;
  3. an IMF estimate of B's imports from A (DOTS ``e`` flag);
  4. an IMF estimate of A's exports to B;
  5. COW Trade v4.0 (``flow1`` of row (B, A) = B's imports from A; empty = missing, 0 = observed
     0 rounded to whole USD m).

  A DOTS cell absent from the file is missing (not 0); 0 is a reported zero. Aggregates (World,
  regions, "not specified") and historic entities (USSR, Yugoslavia, Czechoslovakia,
  Belgium-Luxembourg, Netherlands Antilles, SACCA) are dropped and counted in the build report;
  "Serbia and Montenegro" is SRB (to 2005, when the panel's SRB is Serbia and Montenegro; where a
  "Serbia, Rep. of" row exists in the same year the Serbia-and-Montenegro row wins). Carried
  cells keep the basis of the year they come from.
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
* ``remittances`` (USD m, model estimates): World Bank / KNOMAD bilateral remittance matrices
  2017, 2018 and 2021, rows = sending (host) country = ``source``, columns = receiving country =
  ``target``. A cell is observed when its sender's row and its receiver's column are covered; an
  empty or 0 cell of a covered pair is an observed 0. Not covered (missing): a country whose whole
  row (as sender) or whole column (as receiver) is empty or 0 in that vintage (the matrix then
  has no data for it, e.g. the UAE, Bahrain and Singapore as receivers);
  cells written ``-`` (2017) or ``N/A`` (2018); and the corridors the 2021 workbook says were
  zeroed for political reasons (India <-> Pakistan, Israel <-> Lebanon, Armenia <-> Azerbaijan).
  2019-2020 carry 2018 forward and 2022-2024 carry 2021 forward (flagged by ``_year``); before
  2017 missing. The vintages are separate estimates, not one series.
* ``migrants`` (persons): migrants born in ``target`` living in ``source`` (``source`` = country
  of residence, which can expel or tax them; ``target`` = country of origin). UN DESA
  International Migrant Stock 2019 (destination x origin, 1995, 2000, 2005, 2010, 2015, 2019) and
  the World Bank / KNOMAD bilateral migration matrix 2021 (for 2021). Numeric cells are observed
  (0 included) for destinations (rows) and origins (columns) with any migrant; ``..`` and ``-``
  cells are missing; UN region rows and Channel Islands are dropped. Years between carry the
  earlier value forward (1996-1999 from 1995, ..., 2020 from 2019, 2022-2024 from 2021). The
  World Bank 2017 matrix is not used; its agreement with UN DESA is in the build report.
* ``china_debt`` (USD m stock): debt owed to Chinese state creditors (Horn, Reinhart & Trebesch,
  China Debt Stock Database, April 2020), source CHN, target debtor, 2000-2017 for the 107
  covered debtors (0 = observed no debt); other debtors missing; 2018-2024 carry 2017 forward.
* ``diplomatic_rep`` (0-1, FBIC's level-of-representation scale): representation of ``source``
  (sender) in ``target`` (host). 2000-2020 from the Diplometrics DDR (derived cut with ISO3 codes,
  heads of mission at charge level and above): ambassador (level 6) = 1.0; minister (5) and
  charge d'affaires (4) = 0.75; a head of mission accredited to several hosts (focus 2) = half
  (0.5 or 0.375); head of mission expelled, recalled or withdrawn (focus 3) = 0.75. The 1.0 /
  0.75 / 0.5 / 0.375 values reproduce FBIC's ``embassylorainb`` on 99.7% of the 6,426 dyad-years of
  the 18-country FBIC file (``lor_avg`` = mean of both directions); minister = 0.75 and focus 3 =
  0.75 are inferences (no such rows there). A host absent for a sender listed that year = 0;
  senders not listed that year are missing. DDR levels 1-3 (unknown level, interests section,
  protecting power) are not in the cut, so such pairs are 0 (FBIC scores level "unknown" 0.75);
  328 pairs are missing for a single year between two listed years (e.g. Pakistan in Turkey
  2016) and are 0 there, as in FBIC (build report ``ddr_one_year_gaps``).
  2021 and 2023 from the Lowy Global Diplomacy Index posts of its sending states (64 in 2021 and
  65 in 2023 with an ISO3; the EU's EEAS is left out): an
  embassy or high commission in the host keeps the previous value (DDR 2020 for 2021, the 2021
  value for 2023) when that was a resident mission (>= 0.75), else 1.0 (new embassy, rank
  unknown, assumed ambassador); no embassy keeps a non-resident accreditation (0.5 / 0.375) and
  is otherwise 0. Lowy posts in Jerusalem of type embassy count for Israel, "Kosovo*" is XKX.
  Other senders carry 2020 forward; 2022 and 2024 carry 2021 and 2023. DDR years are Europa
  World Yearbook editions and often show a change one year after it happened (Cuba 2015 -> 2016,
  Saudi Arabia - Iran 2016 -> 2017); FBIC uses the same years.
* ``pta_count`` (count, symmetric): DESTA v2.3 trade agreements in force between the two states:
  distinct base treaties whose base-treaty, accession or consolidated entry covering the pair has
  entered into force (``entryforceyear`` <= year; entries without one are not counted), minus
  DESTA's dyadic withdrawals from the withdrawal year on (e.g. the UK from EU agreements in 2020).
  Consolidated versions count with their base treaty (no double counting); superseded
  agreements stay counted (DESTA does not code lapses); EU treaty revisions (EC, Maastricht,
  Amsterdam, Nice, Lisbon) are separate DESTA treaties. 1995-2024 observed, absence = 0.
* ``pta_depth`` (0-7, symmetric): the highest DESTA ``depth_index`` among the entries in force
  for the pair (an accession or an uncoded consolidated version takes its base treaty's depth);
  0 where no agreement is in force; missing (not carried) where agreements are in force but none
  has a coded depth (most agreements signed after 2020).
* ``pta_fbic_index`` (0-49, symmetric): FBIC's trade-agreement index 1 PSA + 1 EIA + 3 BTA +
  4 (BTA+EIA) + 5 RTA/FTA + 8 (RTA+EIA) + 15 CU + 20 (CU+EIA), each term 0/1 = some agreement of
  that type in force for the pair, from the WTO RTA database (in force from the earlier of the
  goods and services entry into force until the inactive date; Type PSA, EIA, FTA, CU with or
  without EIA; an FTA is BTA when the WTO composition is "Bilateral", RTA otherwise; parties
  from "Current signatories" (original signatories for inactive agreements; an original party
  dropped from the current list counts while its EU membership is unchanged, e.g. the UK to
  2019); blocs expanded with suasion.actors (EU, ASEAN, GCC) and fixed member lists for EFTA,
  SACU, MERCOSUR, EAEU and CACM). Agreements not notified to the WTO do not count: with them (a
  DESTA fallback) the index matches FBIC's published ``tradeagreementindex`` on 79% of the
  FBIC sample rows of 1995-2023, without them on 94% (build report).
* ``us_training`` (persons, i.e. training slots) and ``us_training_cost`` (current USD m): US
  Foreign Military Training Report (Security Force Monitor extraction), source USA, by the
  fiscal year the training took place (parsed from each programme label, "FY 00" / "Fiscal Year
  2019"; where two reports list the same fiscal year, the later report, which gives the training
  carried out rather than the plan). FY1999-FY2020 (no report for FY2006: carried). A state is
  covered from the first to the last fiscal year in which a report lists it: inside that span an
  unlisted year is an observed 0, outside it missing, because the reports leave out NATO allies
  and some major partners (Turkey, Germany, the UK, France and Poland never appear; Japan and
  Australia only to FY2002). Other sources missing.
* monadic: ``gdp`` WDI current USD / 10^6 (none for Taiwan); ``population`` WDI (COW NMC
  ``tpop`` x 1000 where WDI lacks it, e.g. Taiwan); ``milex`` = WDI military
  expenditure share of GDP x WDI GDP (2000-2022), COW NMC milex / 1000 before 2000 and where WDI
  lacks it; ``milper`` and ``cinc`` COW NMC v7 (to 2022).

Carry-forward: a missing cell takes the value of the same dyad (state) in the last earlier panel
year with one, and ``c_year`` records that year; never backward; pairs that do not both exist
are never filled. The build parameter ``carry_horizon`` (``--carry-horizon``; default: no
limit) caps the number of years a value may be carried. ``pta_depth`` is never carried.

Sanctions (GSDB) are not bundled (their terms forbid shipping derived values): a user builds
the ``sanctions`` user channel from their own copy (:mod:`suasion.panel.sanctions`).
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
    Channel("exports", "current USD m", "goods exports from source to target (IMF DOTS; COW where "
            "DOTS has none)", "imf_dots"),
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
    Channel("remittances", "current USD m", "remittances sent from source (host of the migrants) to "
            "target (World Bank / KNOMAD estimates)", "wb_remittances"),
    Channel("migrants", "persons", "migrants born in target living in source (UN DESA; World Bank "
            "2021)", "undesa_migration"),
    Channel("china_debt", "current USD m", "debt stock owed by target to Chinese state creditors "
            "(source CHN; Horn, Reinhart & Trebesch)", "hrt_china_debt"),
    Channel("diplomatic_rep", "0-1 level", "diplomatic representation of source in target (FBIC "
            "scale; DDR, Lowy posts 2021/2023)", "ddr"),
    Channel("pta_count", "count", "trade agreements in force (DESTA)", "desta", symmetric=True),
    Channel("pta_depth", "0-7", "highest DESTA depth index of the agreements in force", "desta",
            symmetric=True),
    Channel("pta_fbic_index", "0-49", "FBIC trade-agreement index (WTO RTA types, DESTA fallback)",
            "wto_rta", symmetric=True),
    Channel("us_training", "persons", "foreign military personnel trained by the US (source USA; "
            "FMTR)", "fmtr"),
    Channel("us_training_cost", "current USD m", "cost of US training of target's personnel (source "
            "USA; FMTR)", "fmtr"),
)

MONADIC_VARIABLES: dict[str, str] = {
    "gdp": "GDP, current USD m (World Bank WDI)",
    "population": "population, persons (World Bank WDI)",
    "milex": "military expenditure, current USD m (SIPRI via WDI; COW NMC before 2000)",
    "milper": "military personnel, thousands (COW NMC)",
    "cinc": "composite index of national capability (COW NMC)",
}

CHANNEL_NAMES: tuple[str, ...] = tuple(c.name for c in DYADIC_CHANNELS)

#: How an ``exports`` value was measured (``exports_basis``; -1 / null = missing).
EXPORTS_BASIS: dict[int, str] = {
    1: "importer-reported imports, CIF (IMF DOTS)",
    2: "exporter-reported exports, FOB (IMF DOTS)",
    3: "IMF estimate of the importer's imports, CIF (IMF DOTS)",
    4: "IMF estimate of the exporter's exports, FOB (IMF DOTS)",
    5: "COW Trade v4.0",
}

#: Channels with a ``*_basis`` column, and what each code means.
BASIS_CODES: dict[str, dict[int, str]] = {"exports": EXPORTS_BASIS}
CHANNELS_BY_NAME: dict[str, Channel] = {c.name: c for c in DYADIC_CHANNELS}
