"""Estimative language (ICD 203) and number formats, on cases worked out by hand."""

from __future__ import annotations

import pytest

from suasion.brief import estimative, formats


@pytest.mark.parametrize("p, term", [
    (0.0, "almost no chance"), (0.049, "almost no chance"), (0.05, "very unlikely"), (0.3, "unlikely"),
    (0.5, "roughly even chance"), (0.55, "likely"), (0.9, "very likely"), (0.95, "almost certainly"),
    (1.0, "almost certainly"),
])
def test_icd203_terms(p: float, term: str) -> None:
    assert estimative.likelihood_term(p) == term


def test_probability_outside_the_unit_interval_is_refused() -> None:
    with pytest.raises(ValueError):
        estimative.likelihood_term(1.2)


def test_confidence_from_the_age_of_inputs() -> None:
    # 0.6 of the score observed in 2018, 0.1 in 2017 (within a year), 0.3 carried from 2010
    contributions = {"arms": 0.06, "aid": 0.01, "exercises": 0.03, "troops": 0.0}
    years = {"arms": 2018, "aid": 2017, "exercises": 2010, "troops": None}
    assert estimative.observed_share(contributions, years, 2018) == pytest.approx(0.7)
    assert estimative.confidence_level(contributions, years, 2018) == "moderate"
    assert estimative.stale_channels(contributions, years, 2018) == [("exercises", 2010)]
    assert estimative.confidence_level({"arms": 0.06, "exercises": 0.01}, years, 2018) == "high"
    assert estimative.confidence_level({"arms": 0.01, "exercises": 0.06}, years, 2018) == "low"
    assert estimative.confidence_level({"arms": 0.0}, years, 2018) == "low"


def test_evidence_basis() -> None:
    assert estimative.evidence_basis(2018, 2018) == "observed 2018"
    assert estimative.evidence_basis(2010, 2018) == "carried forward from 2010"
    assert estimative.evidence_basis(None, 2018) == "missing"


@pytest.mark.parametrize("x, text", [
    (0.159372, "0.159"), (0.017214, "0.0172"), (0.000116, "0.000116"), (0.0, "0"), (1.0, "1.00"),
    (None, "–"), (float("nan"), "–"),
])
def test_score_format(x, text) -> None:
    assert formats.score(x) == text


def test_other_formats() -> None:
    assert formats.signed(0.000212) == "+0.000212" and formats.signed(-0.0031) == "−0.00310"
    assert formats.percent(0.043) == "4.3%" and formats.percent(0.52) == "52%"
    assert formats.amount(1860.0) == "1,860" and formats.amount(67.57) == "67.6" and formats.amount(20.0) == "20"
    assert [formats.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == \
        ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]
