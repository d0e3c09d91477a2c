"""Every number a brief shows equals the API's answer to the same question.

The expected values come from calling suasion's public API here, independently of the brief, and
formatting them with the brief's number format; nothing is hard-coded, so the tests hold whatever
the leverage model computes.
"""

from __future__ import annotations

import pytest

import suasion
from suasion.brief import formats
from suasion.brief.gather import FORECAST_LEVEL, FORECAST_RUNS, FORECAST_SEED, SENSITIVITY_DRAWS, TREND_YEARS

from .helpers import Page, numbers

BRIEFS = ["eu_pak", "gbr_pak"]


@pytest.fixture(params=BRIEFS)
def case(request):
    b = request.getfixturevalue(request.param)
    return b, Page(b.html)


def test_data_year_is_the_apis_default_year(case) -> None:
    b, page = case
    year = int(suasion.leverage_over(b.data.target)["year"].iloc[0])
    assert b.data.year == year
    assert f"Data year: {year}" in page.all_text


def test_who_can_move_the_target(case) -> None:
    b, page = case
    api = suasion.leverage_over(b.data.target, b.data.year)
    sens = suasion.leverage_sensitivity(b.data.target, b.data.year, draws=SENSITIVITY_DRAWS).set_index("source")
    rows = page.rows("movers")
    assert len(rows) == min(8, len(api))
    for row, (_, want) in zip(rows, api.iterrows()):
        assert row[0] == str(want["rank"])
        assert row[1].split()[0] == want["source"]
        assert row[2] == formats.score(want["score"])
        if "share" in api:
            assert row[3] == formats.percent(want["share"])
        if want["source"] in sens.index:
            s = sens.loc[want["source"]]
            assert f"{formats.score(s['score_low'])}–{formats.score(s['score_high'])}" in row
        else:       # blocs have no weight-sensitivity interval
            assert row[4 if "share" in api else 3] == "–"
        if "explanation" in api:
            assert row[-1] == " ".join(str(want["explanation"]).split())


def test_own_leverage_and_rank(case) -> None:
    b, page = case
    p, t, year = b.data.principal, b.data.target, b.data.year
    of = suasion.leverage_of(p, year)
    score = float(of.loc[of["target"] == t, "score"].iloc[0])
    over = suasion.leverage_over(t, year)
    own = page.text("own")
    assert formats.score(score) in own
    if p in set(over["source"]):
        mine = over[over["source"] == p].iloc[0]
        assert f"rank {int(mine['rank'])} of {len(over)}" in own
        assert float(mine["score"]) == pytest.approx(score, rel=1e-12)   # the same answer both ways
        if "share" in over:
            assert f"{formats.percent(mine['share'])} of measured outside leverage" in own
    else:   # a bloc not listed among the target's sources: its place among them
        rank = int((over["score"] > score).sum()) + 1
        assert f"{formats.ordinal(rank)} if ranked among the {len(over)} states" in own
    history = suasion.dyad_history(p, t, years=(year - TREND_YEARS, year))
    shown = {r[0]: (r[1], r[2]) for r in page.rows("history")}
    assert sorted(shown) == sorted({str(y) for y in history["year"]})
    for _, r in history.iterrows():
        column = 0 if r["source"] == p else 1
        assert shown[str(r["year"])][column] == formats.score(r["score"])


def test_brokers_and_their_levers(case) -> None:
    b, page = case
    p, t, year = b.data.principal, b.data.target, b.data.year
    api = suasion.brokers(p, t, year).head(3)
    rows = page.rows("brokers")
    assert len(rows) == len(api)
    for row, (_, want) in zip(rows, api.iterrows()):
        assert row[1].split()[0] == want["broker"]
        assert row[2:6] == [formats.score(want["score"]), formats.score(want["leverage_over_target"]),
                            formats.score(want["pull_from_principal"]), formats.ratio(want["alignment"])]
        menu = suasion.incentives(p, want["broker"], year)
        best = menu[menu["marginal_pull"] > 0].drop_duplicates("lever").head(2)
        for _, lever in best.iterrows():
            assert str(lever["lever"]) in row[6]
            assert f"+{formats.score(lever['marginal_pull'])}" in row[6]


def test_options_are_the_whatif_of_the_changes_they_show(case) -> None:
    b, page = case
    p, t, year = b.data.principal, b.data.target, b.data.year
    rows = page.rows("options")
    assert rows, "a minister brief lists options"
    for row in rows:
        changes = [c.strip() for c in row[1].split(", ")]
        result = suasion.whatif(p, t, changes, year)
        paths = result.paths.set_index("state")
        assert row[3] == f"{formats.score(paths.loc['before', 'direct'])} → {formats.score(paths.loc['after', 'direct'])}"
        assert row[4] == (f"{formats.score(paths.loc['before', 'indirect'])} → "
                          f"{formats.score(paths.loc['after', 'indirect'])}")
        if row[0].startswith("Work through"):
            name = row[0].split(":")[0].removeprefix("Work through ")
            broker = next(x for x in result.brokers["broker"] if suasion.actor_name(x) == name)
            hit = result.brokers[result.brokers["broker"] == broker].iloc[0]
            assert row[2] == f"{formats.score(hit['before'])} → {formats.score(hit['after'])}"


def test_forecast_table(eu_pak, scenario_path) -> None:
    page = Page(eu_pak.html)
    api = suasion.forecast(scenario_path, runs=FORECAST_RUNS, level=FORECAST_LEVEL, seed=FORECAST_SEED)
    rows = page.rows("forecast")
    assert [r[0] for r in rows] == list(api["issue"])
    for row, (_, want) in zip(rows, api.iterrows()):
        assert row[1] == formats.amount(want["forecast"])
        assert row[2] == f"{formats.amount(want['low'])}–{formats.amount(want['high'])}"


def test_leading_state_statement(case) -> None:
    b, page = case
    api = suasion.leverage_over(b.data.target, b.data.year)
    if "actor_type" in api:
        api = api[api["actor_type"] == "state"]
    api = api.iloc[0]
    first = page.text("key-points")
    assert suasion.actor_name(api["source"]) in first
    assert formats.score(api["score"]) in first
    if "share" in api:
        assert formats.percent(api["share"]) in first


@pytest.mark.parametrize("name", BRIEFS + ["eu_tur_meeting", "pak_country"])
def test_every_bottom_line_number_is_shown_in_the_body(request, name: str) -> None:
    b = request.getfixturevalue(name)
    page = Page(b.html)
    bottom = page.text("bottom-line")
    assert bottom and len(b.bottom_line) <= 4
    body = page.all_text.replace(bottom, " ").replace(page.text("key-points"), " ")
    shown = set(numbers(body))
    for statement in b.bottom_line:
        for n in numbers(statement.text):
            assert n in shown, f"{n!r} of {statement.text!r} is not shown elsewhere in the brief"


def test_three_to_five_key_points_each_with_its_basis(request) -> None:
    for name in BRIEFS + ["eu_tur_meeting", "pak_country"]:
        b = request.getfixturevalue(name)
        assert 3 <= len(b.key_points) <= 5, name
        for s in b.key_points:
            assert s.basis, s.text
            assert any(w in s.basis for w in ("model estimate", "observed", "carried forward", "register")), s.basis
