"""The second-edition readers on the committed raw-file fixture (tests/fixtures/panel_raw; a few
raw rows per source, origins in tests/fixtures/NOTICE). No ../shared needed."""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pandas as pd
import pytest

from suasion.errors import InputFileError
from suasion.panel.build import DenseBuilder
from suasion.panel.sources import agreements, diplomacy, dots, fmtr, hrt, people
from suasion.panel.sources.base import DyadicSource
from tests.conftest import FIXTURES

RAW = FIXTURES / "panel_raw"


def values(src, source, target):
    f = src.frame
    rows = f[(f["source"] == source) & (f["target"] == target)]
    return {int(y): v for y, v in zip(rows["year"], rows["value"])}


def test_exports_rule_and_basis():
    src = dots.read_exports(RAW, 1995)
    f = src.frame.set_index(["source", "target", "year"])
    # importer-reported CIF first: China -> Pakistan 2020 = Pakistan's imports from China
    assert f.loc[("CHN", "PAK", 2020), "value"] == pytest.approx(12477.182013)
    assert f.loc[("CHN", "PAK", 2020), "basis"] == 1
    # the importer's report wins over the exporter's estimate (UAE -> Pakistan 2020)
    assert f.loc[("ARE", "PAK", 2020), "basis"] == 1
    assert f.loc[("ARG", "TWN", 2018)].tolist() == [pytest.approx(102.432), 2]   # Taiwan does not report
    assert f.loc[("TWN", "PNG", 2018), "basis"] == 3                              # estimate, importer side
    assert f.loc[("IRN", "TWN", 2018)].tolist() == [pytest.approx(695.03), 4]     # estimate, exporter side
    assert f.loc[("PAK", "TWN", 2010)].tolist() == [197.0, 5]                      # COW: DOTS has nothing
    assert f.loc[("PAK", "CHN", 2010), "basis"] == 1                               # DOTS beats COW
    assert f.loc[("PAK", "SRB", 2004), "value"] == pytest.approx(0.598833)         # Serbia and Montenegro
    assert src.report["dropped_aggregates_and_historic"]["by_name"]["World"] == 4
    assert not f.index.duplicated().any()


def test_remittances_rules():
    src = people.read_remittances(RAW)
    assert values(src, "SAU", "PAK") == {2017: pytest.approx(5780.614168), 2018: 5123.0,
                                         2021: pytest.approx(8045.081779)}
    assert values(src, "IND", "PAK") == {}             # '-', 'N/A' and politically zeroed in 2021
    assert values(src, "SAU", "GBR")[2021] == 0.0      # empty cell, covered sender and receiver: 0
    assert values(src, "SAU", "ARE") == {}             # the UAE column has no value: not covered
    assert values(src, "PAK", "GBR") == {}             # no positive cell in Pakistan's (fixture) row
    assert src.report["2021"]["politically_zeroed_set_missing"] == 1   # IND -> PAK (PAK's row is not covered)


def test_migrants_rules():
    src = people.read_migrants(RAW, 1995)
    sau_pak = values(src, "SAU", "PAK")                # Pakistan-born living in Saudi Arabia
    assert sau_pak[2019] == 1447071.0 and sau_pak[2021] == 1483737.0 and 1990 not in sau_pak
    assert values(src, "ARE", "IND")[2010] == 2913858.0
    assert "FSM" not in set(src.frame["source"])       # the UN region row "Micronesia" is not a state
    assert src.report["wb_2017_vs_undesa"]["pakistan_born_in_saudi_arabia"]["wb2017"] == 1343737.0


def test_china_debt():
    src = hrt.read_china_debt(RAW, 1995)
    assert values(src, "CHN", "PAK")[2017] == pytest.approx(35310.0)
    assert values(src, "CHN", "ALB")[2000] == 0.0      # covered debtor without debt: observed 0


def test_ddr_levels_and_lowy_extension():
    assert diplomacy.ddr_level(np.array([6, 6, 4, 4, 5, 6]), np.array([1, 2, 1, 2, 1, 3])).tolist() == \
        [1.0, 0.5, 0.75, 0.375, 0.75, 0.75]
    hosts = ["IND", "IRN", "ISR", "PAK", "SAU", "TUR", "USA"]
    src = diplomacy.read_diplomatic_rep(RAW, 1995, hosts)
    assert values(src, "IND", "PAK") == {2016: 1.0, 2018: 1.0, 2019: 0.75, 2020: 0.75, 2021: 0.75, 2023: 0.75}
    assert values(src, "TUR", "PAK")[2021] == 1.0
    assert values(src, "SAU", "IRN") == {2016: 1.0, 2021: 0.0, 2023: 1.0}  # no DDR row 2017-20; embassy 2023
    assert values(src, "USA", "ISR")[2021] >= 0.75                # embassy listed in "Jerusalem*"
    assert src.zero_years[2018] >= {"SAU", "IND"}                 # listed senders: absent host = 0


def test_extend_with_lowy_rule():
    before = {("A", "X"): 1.0, ("A", "Y"): 0.75, ("A", "Z"): 0.5}
    got = {(s, t): v for s, t, v in diplomacy.extend_with_lowy(
        before, {("A", "X"), ("A", "Y"), ("A", "Z"), ("A", "W")}, "A", ["A", "W", "X", "Y", "Z", "V"])}
    assert got == {("A", "W"): 1.0, ("A", "X"): 1.0, ("A", "Y"): 0.75, ("A", "Z"): 1.0, ("A", "V"): 0.0}
    got = {(s, t): v for s, t, v in diplomacy.extend_with_lowy(before, set(), "A", ["X", "Y", "Z"])}
    assert got == {("A", "X"): 0.0, ("A", "Y"): 0.0, ("A", "Z"): 0.5}   # non-resident accreditation kept


def test_desta_counts_depth_and_withdrawals():
    count, depth, in_force, indices = agreements.read_desta(RAW, 1995, 2024)
    assert values(count, "PAK", "TUR")[2022] == 4.0     # PTN, ECO, ECOTA, D8; the 2022 agreement has no EIF
    assert values(count, "PAK", "TUR")[2010] == 3.0
    assert values(depth, "PAK", "TUR")[2022] == 1.0
    assert values(count, "CHN", "PAK")[2009] == 2.0     # the consolidated version is not counted again
    assert np.isnan(values(depth, "CHN", "PAK")[2005]) and values(depth, "CHN", "PAK")[2009] == 5.0
    assert not depth.carry and count.symmetric
    deu_gbr = values(count, "DEU", "GBR")
    assert deu_gbr[2020] < deu_gbr[2019]                 # UK withdrawals in 2020
    index = agreements.read_fbic_index(RAW, in_force, indices, range(1995, 2025))
    assert values(index, "CHN", "PAK")[2010] == 4.0      # WTO "FTA & EIA", bilateral
    assert values(index, "PAK", "TUR")[2010] == 1.0      # ECO: WTO "PSA"
    assert values(index, "DEU", "GBR")[2010] == 20.0     # EC (15) Enlargement "CU & EIA"; the UK listed
    assert 2020 not in values(index, "DEU", "GBR")       # ... among original parties until it left the EU


def test_fbic_types():
    assert agreements.wto_types("FTA & EIA", "Bilateral") == ["btaeia"]
    assert agreements.wto_types("FTA", "Bilateral; One Party is an RTA") == ["rta"]
    assert agreements.wto_types("CU & EIA", "Plurilateral") == ["cueia"]
    assert agreements.wto_types("PSA & EIA", "Plurilateral") == ["psa", "eia"]
    types = pd.DataFrame({"a": ["A"] * 5, "b": ["B"] * 5, "year": [2000] * 5,
                          "type": ["cueia", "cu", "rtaeia", "rta", "eia"]})
    assert agreements.fbic_index(types)["value"].tolist() == [49]          # FBIC's EU-member maximum


def test_us_training_span_rule():
    trainees, cost = fmtr.read_training(RAW, 1995)
    pak = values(trainees, "USA", "PAK")
    assert pak[2015] == 716.0                                   # all programmes of FY2015
    assert 1999 in pak and 2000 in pak
    jpn = values(trainees, "USA", "JPN")
    assert max(jpn) == 2002 and 2014 not in jpn                 # listed to FY2002 only: not 0 later
    assert fmtr.fiscal_year("IMET, FY 00", "1999-2000") == 2000
    assert fmtr.fiscal_year("IMET-1 - Fiscal Year 2019 Department of State Training", "2019-2020") == 2019
    assert fmtr.fiscal_year("Miscellaneous DoD-DoS Activities, FY", "1999-2000") == 1999
    assert values(cost, "USA", "PAK")[2015] == pytest.approx(14.48132)


def test_builder_basis_carry_and_nan_cells():
    years = np.arange(2018, 2022)
    b = DenseBuilder(["AAA", "BBB"], years, np.ones((4, 2), dtype=bool))
    frame = pd.DataFrame({"source": ["AAA", "AAA"], "target": ["BBB", "BBB"], "year": [2018, 2019],
                          "value": [5.0, 6.0], "basis": [2, 5]})
    b.add(DyadicSource("exports", frame))
    depth = pd.DataFrame({"source": ["AAA"], "target": ["BBB"], "year": [2019], "value": [np.nan]})
    b.add(DyadicSource("pta_depth", depth, zero_years={y: None for y in years}, carry=False))
    b.finish({})
    assert b.basis["exports"][:, 0, 1].tolist() == [2, 5, 5, 5]          # carried with the value
    assert b.observed["exports"][:, 0, 1].tolist() == [2018, 2019, 2019, 2019]
    assert b.observed["pta_depth"][:, 0, 1].tolist() == [2018, -1, 2020, 2021]   # NaN = missing, not carried
    assert np.isnan(b.values["pta_depth"][1, 0, 1])


def test_bad_raw_files_name_the_file(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "loans_china_hrt" / "hrt_china_debt_stock_2000_2017.csv").write_text("Country,Year\nX,2000\n")
    with pytest.raises(InputFileError, match="hrt_china_debt_stock_2000_2017.csv, line 1: lacks column"):
        hrt.read_china_debt(raw, 1995)
    (raw / "trade_imf" / "imf_dots_reporter_partner_year_1990_2020.csv.gz").unlink()
    with pytest.raises(FileNotFoundError):
        dots.read_exports(raw, 1995)
    with gzip.open(raw / "diplomacy_ddr" / "DERIVED_ddr_embassy_level4plus_2000_2020_iso3.csv.gz", "wb") as h:
        h.write(b"\xff\xfe not a table")
    with pytest.raises(InputFileError, match="DERIVED_ddr"):
        diplomacy.read_ddr(raw, 1995)
