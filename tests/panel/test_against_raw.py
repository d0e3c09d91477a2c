"""Spot checks of the bundled panel against the raw files (skipped without ../shared/data).

Exports and the other second-edition channels: test_against_raw_second_edition.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suasion.panel import load_panel


@pytest.fixture(scope="module")
def panel():
    return load_panel(user_channels=False)


def cell(panel, channel, source, target, year):
    i, a, b = panel.year_index(year), panel.actor_index(source), panel.actor_index(target)
    return panel.values[channel][i, a, b], int(panel.observed_year[channel][i, a, b])


def test_arms_official_tables_to_2021_then_derived(panel, shared_data):
    official = pd.read_csv(shared_data / "arms_sipri" / "tiv_dyad_year_1950_2021_360info.csv.gz")
    rows = official[(official.supplier == "China") & (official.recipient == "Pakistan")]
    assert cell(panel, "arms_tiv", "CHN", "PAK", 2010) == (rows[rows.year == 2010].value.sum(), 2010)
    # reference value of leverage-methods.md section 9: China -> Pakistan 2017-21 = 2,931 TIV
    i0, i1 = panel.year_index(2017), panel.year_index(2021)
    window = panel.values["arms_tiv"][i0:i1 + 1, panel.actor_index("CHN"), panel.actor_index("PAK")]
    assert window.sum() == 2931
    derived = pd.read_csv(shared_data / "arms_sipri" / "DERIVED_tiv_dyad_year_from_register_1950_2023.csv")
    rows = derived[(derived.supplier == "China") & (derived.recipient == "Pakistan") & (derived.year == 2022)]
    assert rows.tiv_delivered_est.sum() > 0
    assert cell(panel, "arms_tiv", "CHN", "PAK", 2022) == (pytest.approx(rows.tiv_delivered_est.sum()), 2022)
    # a pair with no delivery in a covered year is an observed zero
    assert not ((official.supplier == "Iceland") & (official.recipient == "Pakistan")).any()
    assert cell(panel, "arms_tiv", "ISL", "PAK", 2010) == (0.0, 2010)
    assert cell(panel, "arms_tiv", "ISL", "PAK", 2024) == (0.0, 2023)


def test_atop_defense_usa_gbr(panel, shared_data):
    assert cell(panel, "atop_defense", "USA", "GBR", 2010) == (1.0, 2010)
    assert cell(panel, "atop_defense", "GBR", "USA", 2010) == (1.0, 2010)
    assert cell(panel, "atop_defense", "USA", "CHN", 2010) == (0.0, 2010)
    assert cell(panel, "atop_defense", "USA", "GBR", 2022) == (1.0, 2018)


def test_us_troops_in_germany_2010(panel, shared_data):
    t = pd.read_csv(shared_data / "us_presence" / "troopdata_rebuild_country_year_1950_2024.csv",
                    keep_default_na=False, na_values=["NA"])
    expected = t[(t.iso3c == "DEU") & (t.year == 2010)].troops_ad.iloc[0]
    assert cell(panel, "us_troops", "USA", "DEU", 2010) == (expected, 2010)
    value, flag = cell(panel, "us_troops", "GBR", "DEU", 2010)
    assert np.isnan(value) and flag == -1  # defined for source USA only


def test_oda_gross_disbursements(panel, shared_data):
    t = pd.read_csv(shared_data / "aid_oecd" / "oecd_dac2a_2009_2022.csv.gz")
    row = t[(t.Donor == "United States") & (t.Recipient == "Pakistan") & (t.Year == 2022)
            & (t["Aid type"] == "Memo: ODA Total, Gross disbursements")]
    assert cell(panel, "oda", "USA", "PAK", 2022) == (pytest.approx(row.Value.iloc[0]), 2022)
    assert cell(panel, "oda", "USA", "PAK", 2008)[1] == -1          # before DAC2a coverage: missing
    c = pd.read_csv(shared_data / "aid_china" / "china_devfinance_cow_recipient_year_2000_2021.csv")
    crow = c[(c.ccode == 770) & (c.year == 2018)].iloc[0]
    assert cell(panel, "oof", "CHN", "PAK", 2018) == (pytest.approx(crow.oof_amt / 1e6), 2018)
    assert cell(panel, "oda", "CHN", "PAK", 2018) == (pytest.approx(crow.oda_amt / 1e6), 2018)


def test_symmetric_channels(panel, shared_data):
    igo = pd.read_csv(shared_data / "igo_cow" / "cow_igo_ndy.csv.gz")
    n = igo[(igo.ccode1 == 2) & (igo.ccode2 == 20) & (igo.year == 2010)].dyadigos.iloc[0]
    assert cell(panel, "igo_shared", "USA", "CAN", 2010) == (n, 2010)
    assert cell(panel, "igo_shared", "CAN", "USA", 2010) == (n, 2010)
    ip = pd.read_csv(shared_data / "unga" / "IdealpointsJuly2025.csv.gz")
    ip = ip[ip.year == 2015].set_index("iso3c").idealpointall
    distance = abs(ip["USA"] - ip["RUS"])
    assert cell(panel, "unga_distance", "USA", "RUS", 2015) == (pytest.approx(distance), 2015)
    assert cell(panel, "unga_distance", "USA", "RUS", 2024)[1] == 2023


def test_monadic_gdp(panel, shared_data):
    g = pd.read_csv(shared_data / "gdp_pop" / "gdp_current_usd.csv")
    expected = g[(g["Country Code"] == "PAK") & (g.Year == 2010)].Value.iloc[0] / 1e6
    i, a = panel.year_index(2010), panel.actor_index("PAK")
    assert panel.monadic["gdp"][i, a] == pytest.approx(expected)
    assert panel.monadic_year["gdp"][panel.year_index(2024), a] == 2023
