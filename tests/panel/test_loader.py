"""The bundled panel as shipped: shapes, dtypes and flag consistency (no ../shared needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suasion.errors import CoverageError, UnknownActorError
from suasion.panel import data_sources, load_panel
from suasion.panel.schema import CHANNEL_NAMES, MONADIC_VARIABLES


@pytest.fixture(scope="module")
def panel():
    return load_panel(user_channels=False)


def test_shapes_and_dtypes(panel):
    n_y, n_a = len(panel.years), len(panel.actors)
    assert panel.years[0] == 1995 and panel.years[-1] == 2024
    assert panel.years.dtype == np.int64 and np.all(np.diff(panel.years) == 1)
    assert list(panel.actors) == sorted(panel.actors) and len(set(panel.actors)) == n_a
    assert 185 <= n_a <= 200
    assert panel.channels == CHANNEL_NAMES
    assert panel.exists.shape == (n_y, n_a) and panel.exists.dtype == bool
    for name in panel.channels:
        assert panel.values[name].shape == (n_y, n_a, n_a)
        assert panel.values[name].dtype == np.float64
        assert panel.observed_year[name].dtype == np.int16
    for name in MONADIC_VARIABLES:
        assert panel.monadic[name].shape == (n_y, n_a)
        assert panel.monadic_year[name].dtype == np.int16
    assert {"source_id", "citation", "licence", "version"} <= set(panel.provenance.columns)


def test_flags_are_consistent(panel):
    n_a = len(panel.actors)
    dyad = panel.exists[:, :, None] & panel.exists[:, None, :] & ~np.eye(n_a, dtype=bool)[None]
    grid = panel.years.astype(np.int16)[:, None, None]
    for name in panel.channels:
        v, oy = panel.values[name], panel.observed_year[name]
        assert np.all(np.isnan(v[oy < 0])), name
        assert np.all(np.isfinite(v[oy >= 0])), name
        assert np.all(oy <= grid), f"{name}: observed after the year"
        assert np.all(oy[~dyad] == -1), f"{name}: value for a pair that does not exist"


def test_known_states(panel):
    i = panel.year_index(2010)
    for iso in ("USA", "CHN", "PAK", "DEU", "SRB", "TWN"):
        assert panel.exists[i, panel.actor_index(iso)]
    assert not panel.exists[panel.year_index(2005), panel.actor_index("XKX")]
    assert panel.exists[panel.year_index(2009), panel.actor_index("XKX")]
    assert not panel.exists[panel.year_index(2010), panel.actor_index("SSD")]
    assert panel.exists[panel.year_index(2024), panel.actor_index("SSD")]


def test_errors(panel):
    with pytest.raises(CoverageError, match="year 1990 is outside the panel; years 1995–2024 exist"):
        panel.year_index(1990)
    with pytest.raises(UnknownActorError, match="XYZ"):
        panel.actor_index("XYZ")


def test_arrays_are_read_only_and_with_values_copies(panel):
    with pytest.raises(ValueError):
        panel.values["exports"][0, 0, 1] = 5.0
    new = np.array(panel.values["exports"])
    i, a, b = panel.year_index(2010), panel.actor_index("USA"), panel.actor_index("CAN")
    old = panel.values["exports"][i, a, b]
    new[i, a, b] = old * 2
    changed = panel.with_values(exports=new)
    assert changed.values["exports"][i, a, b] == old * 2
    assert panel.values["exports"][i, a, b] == old
    assert changed.values["arms_tiv"] is panel.values["arms_tiv"]
    new[i, a, b] = np.nan                                           # a removed value loses its basis
    assert panel.basis["exports"][i, a, b] >= 1
    assert panel.with_values(exports=new).basis["exports"][i, a, b] == -1


def test_carry_forward_after_last_source_year(panel):
    i = panel.year_index(2024)
    oy = panel.observed_year["exports"][i]
    assert oy.max() == 2020                                        # IMF DOTS ends in 2020
    assert np.all(oy[oy >= 0] <= 2020)
    assert panel.observed_year["atop_defense"][i].max() == 2018
    assert panel.observed_year["remittances"][i].max() == 2021
    assert set(np.unique(panel.observed_year["diplomatic_rep"][i])) <= {-1, 2020, 2023}
    assert panel.observed_year["pta_count"][i].min() == -1 and panel.observed_year["pta_count"][i].max() == 2024


def test_exports_basis(panel):
    from suasion.panel.schema import EXPORTS_BASIS

    basis, oy = panel.basis["exports"], panel.observed_year["exports"]
    assert basis.dtype == np.int8 and basis.shape == oy.shape
    assert np.all((basis >= 0) == (oy >= 0))                       # a basis exactly where a value is
    assert set(np.unique(basis[basis >= 0])) <= set(EXPORTS_BASIS)
    grid = panel.years[:, None, None]
    assert not np.any((basis == 5) & (oy > 2014))                  # COW only to 2014
    assert np.any((basis == 5) & (oy == grid))                     # ... where DOTS has nothing
    share_importer = np.mean(basis[panel.year_index(2020)][basis[panel.year_index(2020)] > 0] == 1)
    assert share_importer > 0.8                                    # most flows: importer-reported


def test_pta_depth_is_not_carried(panel):
    oy = panel.observed_year["pta_depth"]
    grid = panel.years.astype(np.int16)[:, None, None]
    assert np.all((oy == grid) | (oy == -1))


def test_data_sources_shares(panel):
    frame = data_sources(panel)
    assert list(frame["channel"])[: len(CHANNEL_NAMES)] == list(CHANNEL_NAMES)
    total = frame["share_observed"] + frame["share_carried_forward"] + frame["share_missing"]
    assert np.allclose(total, 1.0)
    row = frame.set_index("channel").loc["exports"]
    assert row["first_observed"] == 1995 and row["last_observed"] == 2020
    assert row["latest_share_carried_forward"] == 1.0 and row["latest_carried_median_age"] == 4.0
    by = frame.set_index("channel")
    assert by.loc["us_troops", "last_observed"] == 2024
    assert by.loc["us_troops", "latest_share_carried_forward"] == 0.0
    assert pd.isna(by.loc["us_troops", "latest_carried_median_age"])
    expected = {"remittances": (2017, 2021), "migrants": (1995, 2021), "china_debt": (2000, 2017),
                "diplomatic_rep": (2000, 2023), "pta_count": (1995, 2024), "pta_depth": (1995, 2024),
                "pta_fbic_index": (1995, 2024), "us_training": (1999, 2020), "us_training_cost": (1999, 2020)}
    for name, (first, last) in expected.items():
        assert (by.loc[name, "first_observed"], by.loc[name, "last_observed"]) == (first, last), name


def test_cached_and_hashable(panel):
    assert load_panel(user_channels=False) is panel
    assert {panel: 1}[panel] == 1
