"""The bundled panel as shipped: shapes, dtypes and flag consistency (no ../shared needed)."""

from __future__ import annotations

import numpy as np
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


def test_carry_forward_after_last_source_year(panel):
    i = panel.year_index(2020)
    oy = panel.observed_year["exports"][i]
    assert oy.max() == 2014
    assert np.all(oy[oy >= 0] <= 2014)
    assert panel.observed_year["atop_defense"][i].max() == 2018


def test_data_sources_shares(panel):
    frame = data_sources(panel)
    assert list(frame["channel"])[: len(CHANNEL_NAMES)] == list(CHANNEL_NAMES)
    total = frame["share_observed"] + frame["share_carried_forward"] + frame["share_missing"]
    assert np.allclose(total, 1.0)
    row = frame.set_index("channel").loc["exports"]
    assert row["first_observed"] == 1995 and row["last_observed"] == 2014
    assert frame.set_index("channel").loc["us_troops", "last_observed"] == 2024


def test_cached_and_hashable(panel):
    assert load_panel(user_channels=False) is panel
    assert {panel: 1}[panel] == 1
