"""Flag semantics on a tiny panel written by our own writer, and the build's fill rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from suasion.panel.build import DenseBuilder, carry_forward
from suasion.panel.sources.base import DyadicSource
from suasion.panel.store import load_panel, write_panel

ACTORS = ["AAA", "BBB", "CCC"]
YEARS = np.arange(2000, 2004)


def _tiny(tmp_path):
    n_y, n_a = len(YEARS), len(ACTORS)
    exists = np.ones((n_y, n_a), dtype=bool)
    exists[:2, 2] = False  # CCC exists from 2002
    v = np.full((n_y, n_a, n_a), np.nan)
    oy = np.full((n_y, n_a, n_a), -1, dtype=np.int16)
    v[0, 0, 1], oy[0, 0, 1] = 10.5, 2000      # observed
    v[1, 0, 1], oy[1, 0, 1] = 10.5, 2000      # carried forward from 2000
    v[2, 0, 1], oy[2, 0, 1] = 7.25, 2002      # observed again
    v[3, 0, 2], oy[3, 0, 2] = 0.0, 2003       # observed zero
    mon = {"gdp": np.full((n_y, n_a), 100.0)}
    mon_year = {"gdp": np.repeat(YEARS[:, None], n_a, axis=1).astype(np.int16)}
    mon["gdp"][3, 0], mon_year["gdp"][3, 0] = 100.0, 2002  # carried
    mon["gdp"][~exists], mon_year["gdp"][~exists] = np.nan, -1
    states = pd.DataFrame({"iso3": ACTORS, "cown": [1, 2, 3], "name": ["A", "B", "C"],
                           "start_year": [2000, 2000, 2002], "end_year": [2003, 2003, 2003]})
    prov = pd.DataFrame([{"source_id": "test", "name": "t", "version": "1", "citation": "c",
                          "licence": "l", "origin": "o", "channels": "exports", "years": "2000"}])
    write_panel(tmp_path, actors=ACTORS, years=YEARS, exists=exists, values={"exports": v},
                observed_year={"exports": oy}, monadic=mon, monadic_year=mon_year, states=states,
                provenance=prov)
    return load_panel(tmp_path, user_channels=False)


def test_roundtrip_flags(tmp_path):
    p = _tiny(tmp_path)
    assert p.actors == tuple(ACTORS) and list(p.years) == list(YEARS)
    ex, oy = p.values["exports"], p.observed_year["exports"]
    assert ex[0, 0, 1] == 10.5 and oy[0, 0, 1] == 2000            # observed
    assert ex[1, 0, 1] == 10.5 and oy[1, 0, 1] == 2000            # carried forward (2000 < 2001)
    assert ex[2, 0, 1] == 7.25 and oy[2, 0, 1] == 2002
    assert np.isnan(ex[3, 0, 1]) and oy[3, 0, 1] == -1             # missing
    assert ex[3, 0, 2] == 0.0 and oy[3, 0, 2] == 2003              # observed zero is not missing
    assert np.isnan(ex[0, 0, 2]) and oy[0, 0, 2] == -1             # CCC does not exist yet
    assert list(p.exists[:, 2]) == [False, False, True, True]
    assert p.monadic_year["gdp"][3, 0] == 2002 and p.monadic["gdp"][3, 0] == 100.0
    assert np.all(np.isnan(p.values["arms_tiv"]))                  # channel not written -> missing
    assert np.all(p.observed_year["arms_tiv"] == -1)


def test_shares_on_tiny_panel(tmp_path):
    from suasion.panel import data_sources

    p = _tiny(tmp_path)
    row = data_sources(p).set_index("channel").loc["exports"]
    existing = 2 + 2 + 6 + 6  # directed pairs per year: 2000, 2001 (2 states), 2002, 2003 (3 states)
    assert row["share_observed"] == pytest.approx(3 / existing)
    assert row["share_carried_forward"] == pytest.approx(1 / existing)
    assert row["first_observed"] == 2000 and row["last_observed"] == 2003


def test_carry_forward_with_horizon():
    years = np.arange(2000, 2006)
    v = np.full((6, 1), np.nan)
    o = np.full((6, 1), -1, dtype=np.int16)
    v[1, 0], o[1, 0] = 3.0, 2001
    valid = np.ones((6, 1), dtype=bool)
    a, b = v.copy(), o.copy()
    carry_forward(a, b, years, valid, None)
    assert list(b[:, 0]) == [-1, 2001, 2001, 2001, 2001, 2001]
    assert np.isnan(a[0, 0]) and np.all(a[1:, 0] == 3.0)          # never backward
    carry_forward(v, o, years, valid, 2)
    assert list(o[:, 0]) == [-1, 2001, 2001, 2001, -1, -1]


def test_dense_builder_zero_fill_and_symmetry():
    years = np.arange(2000, 2003)
    exists = np.ones((3, 3), dtype=bool)
    b = DenseBuilder(ACTORS, years, exists)
    frame = pd.DataFrame({"source": ["AAA", "BBB", "AAA"], "target": ["BBB", "AAA", "CCC"],
                          "year": [2000, 2000, 2001], "value": [1.0, 2.0, 4.0]})
    b.add(DyadicSource("dca", frame, zero_years={2000: None, 2001: None}, symmetric=True))
    b.finish({})
    v, o = b.values["dca"], b.observed["dca"]
    assert v[0, 0, 1] == 3.0 and v[0, 1, 0] == 3.0                # both listings summed, both ways
    assert v[1, 2, 0] == 4.0 and v[0, 1, 2] == 0.0 and o[0, 1, 2] == 2000
    assert v[2, 0, 1] == 0.0 and o[2, 0, 1] == 2001               # 2002 carried from 2001
    assert np.isnan(v[0, 0, 0])                                   # diagonal missing


def test_dense_builder_zero_fill_for_some_sources_only():
    years = np.arange(2000, 2002)
    b = DenseBuilder(ACTORS, years, np.ones((2, 3), dtype=bool))
    frame = pd.DataFrame({"source": ["AAA"], "target": ["BBB"], "year": [2000], "value": [5.0]})
    b.add(DyadicSource("oda", frame, zero_years={2000: frozenset({"AAA"})}))
    b.finish({"oda": 0})
    v, o = b.values["oda"], b.observed["oda"]
    assert v[0, 0, 1] == 5.0 and v[0, 0, 2] == 0.0
    assert np.isnan(v[0, 1, 2]) and o[0, 1, 2] == -1               # non-reporting source: missing
    assert np.isnan(v[1, 0, 1])                                    # horizon 0: no carry forward


def test_parse_horizons():
    from suasion.panel.build import parse_horizons

    assert parse_horizons(["visits=3", "gdp=none"]) == {"visits": 3, "gdp": None}
    with pytest.raises(ValueError, match="NAME=YEARS"):
        parse_horizons(["nosuch=3"])
    with pytest.raises(ValueError, match="integer"):
        parse_horizons(["visits=x"])


@given(st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6)), min_size=1, max_size=12),
       st.one_of(st.none(), st.integers(0, 5)))
def test_carry_forward_properties(cells, horizon):
    """Each filled cell equals the value of the year it names, at most ``horizon`` years back."""
    years = np.arange(2000, 2000 + len(cells))
    v = np.array([np.nan if c is None else c for c in cells])[:, None]
    o = np.array([-1 if c is None else 2000 + i for i, c in enumerate(cells)], dtype=np.int16)[:, None]
    before_v, before_o = v.copy(), o.copy()
    carry_forward(v, o, years, np.ones_like(o, dtype=bool), horizon)
    for t in range(len(cells)):
        if before_o[t, 0] >= 0:
            assert o[t, 0] == before_o[t, 0] and v[t, 0] == before_v[t, 0]   # observed cells untouched
        elif o[t, 0] >= 0:
            src = int(o[t, 0]) - 2000
            assert src < t and before_o[src, 0] == o[t, 0] and v[t, 0] == before_v[src, 0]
            assert np.all(before_o[src + 1:t + 1, 0] < 0)                   # the latest observation
            assert horizon is None or years[t] - o[t, 0] <= horizon
        else:
            earlier = [i for i in range(t) if before_o[i, 0] >= 0]
            assert not earlier or (horizon is not None and years[t] - (2000 + earlier[-1]) > horizon)
