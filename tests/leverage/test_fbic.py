"""FBIC reproduced from the release's own columns (fixture: 500 rows of the public sample)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suasion.leverage.fbic import RELEASE, fbic_from_release, release_indicators
from tests.conftest import FIXTURES

SAMPLE = FIXTURES / "leverage" / "fbic_sample_dev_subset.csv"


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return pd.read_csv(SAMPLE)


def test_fbic_bandwidth_dependence_match_release_to_1e6(sample: pd.DataFrame) -> None:
    out = fbic_from_release(sample)
    for col in ("bandwidth", "dependence", "fbic"):
        err = np.nanmax(np.abs(out[col] - sample[col]))
        assert err < 1e-6, (col, err)
    assert out["fbic"].notna().all()


def test_channel_shares_match_release(sample: pd.DataFrame) -> None:
    out = fbic_from_release(sample)
    for ours, theirs in [("aid_share", "aidsharefbic"), ("trade_share", "tradesharefbic"),
                         ("arms_share", "armssharefbic"), ("diplomacy_share", "diplomacysharefbic")]:
        both = sample[theirs].notna()
        assert np.nanmax(np.abs(out.loc[both, ours] - sample.loc[both, theirs])) < 1e-6
        # where the release leaves shares empty (no bandwidth and no dependence) so do we
        assert out.loc[~both, ours].isna().all()


def test_step_a_indicators_rebuilt_from_raw_inputs(sample: pd.DataFrame) -> None:
    ind = release_indicators(sample)
    for col in ind.columns:
        ok = sample[col].notna() & ind[col].notna()
        assert ok.sum() > 400, col
        scale = np.maximum(1.0, np.abs(sample.loc[ok, col]))
        assert np.max(np.abs(ind.loc[ok, col] - sample.loc[ok, col]) / scale) < 1e-5, col


def test_normalisation_with_frozen_constants(sample: pd.DataFrame) -> None:
    ind = release_indicators(sample)
    pairs = {"lor": ("lor_avg", "norm_lor_avg"), "tradeagree": ("tradeagreementindex", "norm_tradeagreement"),
             "trade": ("lntotaltradeawithb", "norm_lntotaltrade"), "alliance": ("allianceindex", "norm_allianceindex"),
             "armsimpstock": ("lnarmstotalstockab", "norm_armstotalstock"), "igo": ("sharedigoweighted", "norm_igos")}
    for key, (raw, norm) in pairs.items():
        got = ind[raw] * RELEASE.multiplier(key)
        assert np.nanmax(np.abs(got - sample[norm])) < 1e-5, key


def test_first_panel_year_full_pipeline_from_raw(sample: pd.DataFrame) -> None:
    """In 1960 the moving average equals the raw value, so raw -> fbic reproduces the release."""
    first = sample[sample["year"] == 1960]
    assert len(first) >= 5
    out = fbic_from_release(first, use_ma_columns=False)
    for col in ("bandwidth", "dependence", "fbic"):
        assert np.nanmax(np.abs(out[col] - first[col])) < 1e-6, col


def test_trailing_mean_counts_only_existing_years() -> None:
    frame = pd.DataFrame({
        "iso3a": ["AAA"] * 3 + ["CCC"], "iso3b": ["BBB"] * 3 + ["DDD"], "year": [2000, 2001, 2002, 2001],
        "embassylorainb": [1.0, 0.5, 0.0, 1.0], "embassylorbina": [1.0, 0.5, 0.0, 1.0],
    })
    from suasion.leverage.fbic import trailing_mean

    frame["lor"] = (frame.embassylorainb + frame.embassylorbina) / 2
    ma = trailing_mean(frame, ["lor"])["lor"].tolist()
    assert ma == pytest.approx([1.0, 0.75, 0.5, 1.0])


def test_missing_release_column_is_a_clear_error(sample: pd.DataFrame) -> None:
    from suasion.errors import InputFileError

    with pytest.raises(InputFileError, match="norm_lor_avg_ma|embassylorainb"):
        fbic_from_release(sample.drop(columns=["norm_lor_avg_ma", "embassylorainb", "lor_avg"]),
                          use_ma_columns=True)
