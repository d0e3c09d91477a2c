"""The second-edition channels of the bundled panel against their raw files, on hand-checked dyads
(skipped without ../shared/data)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from suasion.panel import load_panel
from suasion.panel.store import DEFAULT_PANEL_DIR


@pytest.fixture(scope="module")
def panel():
    return load_panel(user_channels=False)


def cell(panel, channel, source, target, year):
    i, a, b = panel.year_index(year), panel.actor_index(source), panel.actor_index(target)
    return panel.values[channel][i, a, b], int(panel.observed_year[channel][i, a, b])


def basis(panel, source, target, year):
    return int(panel.basis["exports"][panel.year_index(year), panel.actor_index(source), panel.actor_index(target)])


@pytest.fixture(scope="module")
def dots(shared_data):
    return pd.read_csv(shared_data / "trade_imf" / "imf_dots_reporter_partner_year_1990_2020.csv.gz",
                       dtype={"reporter_iso3": str, "partner_iso3": str}, keep_default_na=False, na_values=[""])


def dots_row(dots, reporter, partner, flow, year):
    rows = dots[(dots.reporter_iso3 == reporter) & (dots.partner_iso3 == partner) & (dots.flow == flow)
                & (dots.year == year)]
    assert len(rows) == 1, (reporter, partner, flow, year)
    return rows.iloc[0]


# ---------------------------------------------------------------------------------------------
# exports (IMF DOTS, COW behind it)


def test_exports_importer_report_first(panel, dots):
    # China -> Pakistan 2020 = Pakistan's reported imports from China (README: 12,477)
    row = dots_row(dots, "PAK", "CHN", "Imports, CIF", 2020)
    assert row.estimated == 0 and round(row.value_usd_m) == 12477
    assert cell(panel, "exports", "CHN", "PAK", 2020) == (pytest.approx(row.value_usd_m), 2020)
    assert basis(panel, "CHN", "PAK", 2020) == 1
    # the UAE's own figure for its exports to Pakistan is an IMF estimate; Pakistan's report wins
    exporter = dots_row(dots, "ARE", "PAK", "Exports, FOB", 2020)
    importer = dots_row(dots, "PAK", "ARE", "Imports, CIF", 2020)
    assert exporter.estimated == 1 and importer.estimated == 0
    assert cell(panel, "exports", "ARE", "PAK", 2020)[0] == pytest.approx(importer.value_usd_m)


def test_exports_fallbacks(panel, dots):
    # Taiwan reports nothing to the IMF: Argentina's own exports to Taiwan are used (basis 2)
    assert not (dots.reporter_iso3 == "TWN").any()
    row = dots_row(dots, "ARG", "TWN", "Exports, FOB", 2018)
    assert cell(panel, "exports", "ARG", "TWN", 2018) == (pytest.approx(row.value_usd_m), 2018)
    assert basis(panel, "ARG", "TWN", 2018) == 2
    # only IMF estimates: Papua New Guinea's estimated imports from Taiwan (3), Iran's estimated
    # exports to Taiwan (4)
    row = dots_row(dots, "PNG", "TWN", "Imports, CIF", 2018)
    assert row.estimated == 1
    assert cell(panel, "exports", "TWN", "PNG", 2018)[0] == pytest.approx(row.value_usd_m)
    assert basis(panel, "TWN", "PNG", 2018) == 3
    row = dots_row(dots, "IRN", "TWN", "Exports, FOB", 2018)
    assert row.estimated == 1 and basis(panel, "IRN", "TWN", 2018) == 4
    assert cell(panel, "exports", "IRN", "TWN", 2018)[0] == pytest.approx(row.value_usd_m)


def test_exports_cow_where_dots_has_nothing(panel, dots, shared_data):
    pair = dots[(dots.year == 2010) & ((dots.reporter_iso3 == "PAK") & (dots.partner_iso3 == "TWN")
                                        & (dots.flow == "Exports, FOB"))]
    assert pair.empty                                              # no DOTS value for PAK -> TWN 2010
    cow = pd.read_csv(shared_data / "trade_cow" / "cow_trade_ddy.csv.gz")
    row = cow[(cow.ccode1 == 713) & (cow.ccode2 == 770) & (cow.year == 2010)].iloc[0]  # TWN imports from PAK
    assert cell(panel, "exports", "PAK", "TWN", 2010) == (row.flow1, 2010)
    assert basis(panel, "PAK", "TWN", 2010) == 5
    # carried forward after 2020, with the basis of the year it comes from
    assert cell(panel, "exports", "CHN", "PAK", 2023) == (cell(panel, "exports", "CHN", "PAK", 2020)[0], 2020)
    assert basis(panel, "CHN", "PAK", 2023) == 1


def test_exports_dots_and_cow_agree_in_2014(panel, shared_data):
    """Cells taken from DOTS in 2014 against COW's value for the same directed dyad."""
    from suasion.actors import cow_to_iso3

    cow = pd.read_csv(shared_data / "trade_cow" / "cow_trade_ddy.csv.gz")
    cow = cow[(cow.year == 2014)].dropna(subset=["flow1"])
    iso = {c: cow_to_iso3(int(c), 2014) for c in set(cow.ccode1) | set(cow.ccode2)}
    pos = {a: i for i, a in enumerate(panel.actors)}
    t = panel.year_index(2014)
    b, v = panel.basis["exports"][t], panel.values["exports"][t]
    pairs = [(pos.get(iso[c2]), pos.get(iso[c1]), f) for c1, c2, f in zip(cow.ccode1, cow.ccode2, cow.flow1)]
    dots_v, cow_v = [], []
    for s, g, f in pairs:  # flow1 = ccode1's imports from ccode2 = exports ccode2 -> ccode1
        if s is not None and g is not None and 1 <= b[s, g] <= 4:
            dots_v.append(v[s, g])
            cow_v.append(f)
    assert len(dots_v) > 20000
    r = np.corrcoef(dots_v, cow_v)[0, 1]
    assert r >= 0.99
    report = json.loads((DEFAULT_PANEL_DIR / "build_report.json").read_text())
    check = report["sources"]["exports <- IMF DOTS trade"]["dots_vs_cow_2014"]
    assert check["pearson_r_levels"] == pytest.approx(r, abs=0.002)


# ---------------------------------------------------------------------------------------------
# remittances and migrants


def test_remittances_against_matrices(panel, shared_data):
    folder = shared_data / "remittances_wb"
    m21 = pd.read_csv(folder / "wb_knomad_bilateral_remittance_matrix_2021.csv", dtype=str, keep_default_na=False)
    m21 = m21.set_index(m21.columns[0])
    m21.index = m21.index.str.strip()
    assert round(float(m21.loc["Saudi Arabia", "Pakistan"])) == 8045       # README sanity check
    assert cell(panel, "remittances", "SAU", "PAK", 2021) == (pytest.approx(float(m21.loc["Saudi Arabia", "Pakistan"])), 2021)
    assert cell(panel, "remittances", "SAU", "PAK", 2017)[0] == pytest.approx(5780.614168, rel=1e-6)
    assert cell(panel, "remittances", "SAU", "PAK", 2019) == (5123.0, 2018)   # carried from 2018
    assert cell(panel, "remittances", "SAU", "PAK", 2024)[1] == 2021
    assert cell(panel, "remittances", "SAU", "PAK", 2016)[1] == -1           # before the first vintage
    # politically zeroed corridor: an empty cell in 2021, '-' in 2017, 'N/A' in 2018 -> missing
    assert m21.loc["India", "Pakistan"] == ""
    assert cell(panel, "remittances", "IND", "PAK", 2021)[1] == -1
    assert cell(panel, "remittances", "PAK", "IND", 2023)[1] == -1
    # an empty cell of a covered sender and receiver is an observed 0
    assert m21.loc["Benin", "Pakistan"] == "" and m21.loc["Benin"].replace("", "0").astype(float).sum() > 0
    assert cell(panel, "remittances", "BEN", "PAK", 2021) == (0.0, 2021)
    # a receiver the matrix has no data for (the UAE's column is empty) is missing
    assert (m21["United Arab Emirates"].replace("", "0").astype(float) == 0).all()
    assert cell(panel, "remittances", "SAU", "ARE", 2021)[1] == -1


def test_migrants_against_undesa_and_wb(panel, shared_data):
    # Pakistan-born living in Saudi Arabia: source SAU (where they live), target PAK
    assert cell(panel, "migrants", "SAU", "PAK", 2019) == (1447071.0, 2019)
    assert cell(panel, "migrants", "SAU", "PAK", 2021) == (1483737.0, 2021)   # World Bank 2021
    assert cell(panel, "migrants", "SAU", "PAK", 2020) == (1447071.0, 2019)
    long = pd.read_csv(shared_data / "migration_undesa" / "DERIVED_undesa_migrant_stock_long_1990_2019.csv.gz",
                       keep_default_na=False, na_values=[""])
    row = long[(long.origin_iso3 == "PAK") & (long.destination_iso3 == "SAU") & (long.year == 1995)].iloc[0]
    assert cell(panel, "migrants", "SAU", "PAK", 1997) == (row.migrant_stock, 1995)
    # the reverse direction is a different number (Saudi-born in Pakistan)
    assert cell(panel, "migrants", "PAK", "SAU", 2019)[0] != 1447071.0
    uae = long[(long.origin_iso3 == "IND") & (long.destination_iso3 == "ARE") & (long.year == 2010)]
    assert cell(panel, "migrants", "ARE", "IND", 2010) == (uae.migrant_stock.iloc[0], 2010) == (2913858.0, 2010)
    report = json.loads((DEFAULT_PANEL_DIR / "build_report.json").read_text())
    check = report["sources"]["migrants <- UN DESA / World Bank migrants"]["wb_2017_vs_undesa"]
    assert check["pakistan_born_in_saudi_arabia"]["wb2017"] == 1343737.0


def test_china_debt_against_hrt(panel, shared_data):
    t = pd.read_csv(shared_data / "loans_china_hrt" / "hrt_china_debt_stock_2000_2017.csv")
    usd = t[(t.ISO == "PAK") & (t.Year == 2017)].ChinaDebt_USD.iloc[0]
    assert round(usd / 1e9, 1) == 35.3
    assert cell(panel, "china_debt", "CHN", "PAK", 2017) == (pytest.approx(usd / 1e6), 2017)
    assert cell(panel, "china_debt", "CHN", "PAK", 2022) == (pytest.approx(usd / 1e6), 2017)
    assert cell(panel, "china_debt", "CHN", "DEU", 2010)[1] == -1     # not a covered debtor
    assert cell(panel, "china_debt", "USA", "PAK", 2010)[1] == -1     # source CHN only


# ---------------------------------------------------------------------------------------------
# diplomacy


def test_diplomatic_rep_against_ddr(panel, shared_data):
    ddr = pd.read_csv(shared_data / "diplomacy_ddr" / "DERIVED_ddr_embassy_level4plus_2000_2020_iso3.csv.gz")

    def raw(o, d, y):
        r = ddr[(ddr.origin == o) & (ddr.destination == d) & (ddr.year == y)]
        return None if r.empty else (int(r.embassy_level.iloc[0]), int(r.focus.iloc[0]))

    for year in (2000, 2010, 2020):                               # Turkey <-> Pakistan: ambassadors
        assert raw("TUR", "PAK", year) == (6, 1) and raw("PAK", "TUR", year) == (6, 1)
        assert cell(panel, "diplomatic_rep", "TUR", "PAK", year) == (1.0, year)
        assert cell(panel, "diplomatic_rep", "PAK", "TUR", year) == (1.0, year)
    # India downgraded its mission in Pakistan from 2019 (August 2019), Pakistan from 2020
    assert raw("IND", "PAK", 2018) == (6, 1) and raw("IND", "PAK", 2019) == (4, 1)
    assert cell(panel, "diplomatic_rep", "IND", "PAK", 2018) == (1.0, 2018)
    assert cell(panel, "diplomatic_rep", "IND", "PAK", 2019) == (0.75, 2019)
    assert raw("PAK", "IND", 2019) == (6, 1) and raw("PAK", "IND", 2020) == (4, 1)
    assert cell(panel, "diplomatic_rep", "PAK", "IND", 2019) == (1.0, 2019)
    assert cell(panel, "diplomatic_rep", "PAK", "IND", 2020) == (0.75, 2020)
    # no row for a sender listed that year: 0 (Saudi Arabia in Iran after January 2016)
    assert raw("SAU", "IRN", 2018) is None
    assert cell(panel, "diplomatic_rep", "SAU", "IRN", 2018) == (0.0, 2018)


def test_diplomatic_rep_lowy_years(panel, shared_data):
    lowy = pd.read_csv(shared_data / "diplomacy_lowy" / "lowy_gdi_posts_2016_2023.csv.gz", dtype=str,
                       keep_default_na=False)

    def embassy(s, h, y):
        return ((lowy.iso3c_country == s) & (lowy.iso3c_post_country == h) & (lowy.Year == str(y))
                & (lowy["TYPE OF POST"] == "Embassy / High Commission")).any()

    assert embassy("TUR", "PAK", 2021) and embassy("TUR", "PAK", 2023)
    assert cell(panel, "diplomatic_rep", "TUR", "PAK", 2021) == (1.0, 2021)   # keeps the 2020 level
    assert cell(panel, "diplomatic_rep", "TUR", "PAK", 2024) == (1.0, 2023)
    # India's high commission in Pakistan stays (charge-led): keeps 0.75 from DDR 2020
    assert embassy("IND", "PAK", 2021)
    assert cell(panel, "diplomatic_rep", "IND", "PAK", 2021) == (0.75, 2021)
    # Saudi Arabia reopened its embassy in Tehran in 2023: none in 2021 (0), a new embassy in 2023 (1.0)
    assert not embassy("SAU", "IRN", 2021) and embassy("SAU", "IRN", 2023)
    assert cell(panel, "diplomatic_rep", "SAU", "IRN", 2021) == (0.0, 2021)
    assert cell(panel, "diplomatic_rep", "SAU", "IRN", 2023) == (1.0, 2023)
    # the US embassy to Israel is listed in "Jerusalem*" (no ISO3 in the file): still Israel
    assert cell(panel, "diplomatic_rep", "USA", "ISR", 2021)[0] >= 0.75
    # a sender Lowy does not cover carries its DDR 2020 level
    assert not (lowy.iso3c_country == "AFG").any()
    assert cell(panel, "diplomatic_rep", "AFG", "PAK", 2021)[1] == 2020


# ---------------------------------------------------------------------------------------------
# trade agreements


def test_pta_pakistan_turkey_2022(panel, shared_data):
    d = pd.read_csv(shared_data / "pta_desta" / "desta_list_of_treaties_02_03_dyads.csv.gz", dtype=str,
                    keep_default_na=False)
    pair = d[((d.iso1 == "586") & (d.iso2 == "792")) | ((d.iso1 == "792") & (d.iso2 == "586"))]
    in_force = pair[pd.to_numeric(pair.entryforceyear, errors="coerce") <= 2022]
    assert set(in_force.base_treaty) == {"291", "370", "371", "647"}   # D8, ECO, ECOTA, PTN
    # the bilateral 2022 agreement has no entry into force in DESTA v2.3: not counted
    assert (pair[pair.base_treaty == "953"].entryforceyear == "").all()
    w = pd.read_csv(shared_data / "pta_desta" / "desta_dyadic_withdrawal_02_03.csv", dtype=str, keep_default_na=False)
    assert w[((w.iso1 == "586") & (w.iso2 == "792")) | ((w.iso1 == "792") & (w.iso2 == "586"))].empty
    assert cell(panel, "pta_count", "PAK", "TUR", 2022) == (4.0, 2022)
    assert cell(panel, "pta_count", "TUR", "PAK", 2022) == (4.0, 2022)             # symmetric
    ix = pd.read_csv(shared_data / "pta_desta" / "desta_indices_version_02_03.csv", dtype=str)
    depth = ix[ix.number.isin(["291", "370", "371", "647"])].depth_index.astype(float).max()
    assert cell(panel, "pta_depth", "PAK", "TUR", 2022) == (depth, 2022) == (1.0, 2022)
    assert cell(panel, "pta_count", "PAK", "TUR", 2010) == (3.0, 2010)             # D8 from 2011
    assert cell(panel, "pta_count", "PAK", "USA", 2022) == (0.0, 2022)
    assert cell(panel, "pta_depth", "PAK", "USA", 2022) == (0.0, 2022)


def test_pta_china_pakistan_depth_and_withdrawal(panel):
    # China-Pakistan: early harvest 2004 (uncoded: depth missing), FTA 2007 (depth 4), consolidated 2009 (5)
    assert cell(panel, "pta_depth", "CHN", "PAK", 2005)[1] == -1
    assert cell(panel, "pta_count", "CHN", "PAK", 2005) == (1.0, 2005)
    assert cell(panel, "pta_depth", "CHN", "PAK", 2008) == (4.0, 2008)
    assert cell(panel, "pta_depth", "CHN", "PAK", 2009) == (5.0, 2009)
    assert cell(panel, "pta_count", "CHN", "PAK", 2009) == (2.0, 2009)             # consolidated: no extra
    # the UK leaves the EU's agreements in 2020 (DESTA withdrawals)
    assert cell(panel, "pta_count", "GBR", "DEU", 2020)[0] < cell(panel, "pta_count", "GBR", "DEU", 2019)[0]
    # FBIC index: EU members 49 (CU+EIA, CU, RTA+EIA, RTA, EIA), as in the FBIC release for FRA-DEU
    assert cell(panel, "pta_fbic_index", "FRA", "DEU", 2017) == (49.0, 2017)
    assert cell(panel, "pta_fbic_index", "CHN", "PAK", 2010) == (4.0, 2010)        # bilateral FTA & EIA


def test_pta_fbic_index_against_published(shared_data):
    report = json.loads((DEFAULT_PANEL_DIR / "build_report.json").read_text())
    checks = report["sources"]["pta_fbic_index <- DESTA / WTO trade agreements"]["against_published_fbic"]
    assert checks["wto_only (stored)"]["sample"]["share_exact"] >= 0.9
    assert checks["wto_only (stored)"]["18_countries"]["pearson_r"] >= 0.95
    assert checks["wto_with_desta_fallback"]["sample"]["share_exact"] < checks["wto_only (stored)"]["sample"]["share_exact"]


# ---------------------------------------------------------------------------------------------
# US military training


def test_us_training_pakistan_imet(panel, shared_data):
    t = pd.read_csv(shared_data / "training_us_fmtr" / "DERIVED_fmtr_country_program_report.csv",
                    keep_default_na=False, na_values=[""])
    pak = t[t.iso3c == "PAK"]
    imet = {fy: int(pak[pak.program.str.startswith(f"IMET-1 - Fiscal Year {fy}")].trainees.sum())
            for fy in range(2015, 2020)}
    assert imet == {2015: 386, 2016: 360, 2017: 400, 2018: 170, 2019: 8}    # README sanity check
    for fy in range(2015, 2020):
        rows = pak[pak.program.str.contains(f"Fiscal Year {fy}")]
        assert cell(panel, "us_training", "USA", "PAK", fy) == (float(rows.trainees.sum()), fy)
        assert cell(panel, "us_training", "USA", "PAK", fy)[0] >= imet[fy]
        assert cell(panel, "us_training_cost", "USA", "PAK", fy)[0] == pytest.approx(rows.total_cost_usd.sum() / 1e6)
    # FY2000 is listed twice (plan in the 1999-2000 report, actual in 2000-2001): the later report
    fy00 = pak[pak.program.str.endswith("FY 00")]
    assert set(fy00.report_fy_label) == {"1999-2000", "2000-2001"}
    later = fy00[fy00.report_fy_label == "2000-2001"].trainees.sum()
    assert cell(panel, "us_training", "USA", "PAK", 2000) == (float(later), 2000)
    assert cell(panel, "us_training", "USA", "PAK", 2006) == (cell(panel, "us_training", "USA", "PAK", 2005)[0], 2005)


def test_us_training_absent_states_are_missing(panel, shared_data):
    t = pd.read_csv(shared_data / "training_us_fmtr" / "DERIVED_fmtr_country_program_report.csv",
                    keep_default_na=False, na_values=[""])
    assert not (t.iso3c == "TUR").any()
    assert cell(panel, "us_training", "USA", "TUR", 2015)[1] == -1          # never listed: missing
    # Japan is listed only to FY2002: observed to 2002, then carried (not zero)
    assert cell(panel, "us_training", "USA", "JPN", 2002)[1] == 2002
    assert cell(panel, "us_training", "USA", "JPN", 2010)[1] == 2002
    assert cell(panel, "us_training", "GBR", "PAK", 2015)[1] == -1          # source USA only
