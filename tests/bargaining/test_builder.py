"""``suasion scenario new``: capabilities from the panel, placeholders refused with the cells named."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

import suasion
from suasion.bargaining.builder import PlaceholderError, capability_values, new_scenario


def test_cinc_is_taken_from_the_panel_and_summed_over_a_bloc():
    caps, year, text = capability_values(["EU", "TUR", "PAK"], "cinc", year=2010)
    panel = suasion.load_panel()
    t = panel.year_index(2010)
    members = suasion.bloc_members("EU", 2010)
    expected_eu = np.nansum([panel.monadic["cinc"][t, panel.actor_index(m)] for m in members])
    assert caps["EU"] == pytest.approx(expected_eu)
    assert caps["TUR"] == pytest.approx(panel.monadic["cinc"][t, panel.actor_index("TUR")])
    assert year == 2010 and "CINC" in text


def test_default_year_is_the_latest_observed():
    _, year, _ = capability_values(["TUR", "PAK"], "gdp")
    panel = suasion.load_panel()
    t = panel.year_index(year)
    assert all(panel.monadic_year["gdp"][t, panel.actor_index(c)] == year for c in ("TUR", "PAK"))
    assert panel.monadic_year["gdp"][t + 1 if t + 1 < len(panel.years) else t,
                                     panel.actor_index("TUR")] != year + 1


def test_template_states_the_measure_and_holds_placeholders(tmp_path):
    text = new_scenario(["EU", "TUR", "PAK", "USA", "CHN", "SAU"], "turkey_leads_talks", "cinc", year=2015)
    doc = yaml.safe_load(text)
    assert "CINC" in doc["capability_measure"] and "2015" in doc["capability_measure"]
    assert set(doc["actors"]) == {"EU", "TUR", "PAK", "USA", "CHN", "SAU"}
    assert doc["issues"][0]["positions"]["TUR"] == ["FILL", "FILL"]
    path = tmp_path / "talks.yaml"
    path.write_text(text)
    with pytest.raises(PlaceholderError) as err:
        suasion.read_scenario(path)
    message = str(err.value)
    assert "6 places" in message and "position and salience of SAU on issue 'turkey_leads_talks'" in message
    line = text.splitlines().index(next(ln for ln in text.splitlines() if ln.strip().startswith("SAU: [")))
    assert f"line {line + 1}:" in message
    # filled in, it is a scenario like any other
    filled = text.replace("[FILL, FILL]", "[50, 0.5]", 5).replace("[FILL, FILL]", "[100, 1]")
    path.write_text(filled)
    scen = suasion.read_scenario(path)
    assert scen.n_actors == 6 and np.isfinite(suasion.forecast(scen)["forecast"]).all()


def test_leverage_measure_leaves_the_target_to_the_analyst(tmp_path):
    text = new_scenario(["EU", "TUR", "PAK"], "talks", "leverage", target="PAK", year=2010)
    doc = yaml.safe_load(text)
    assert doc["actors"]["PAK"] == "FILL"
    hist = suasion.dyad_history("TUR", "PAK")
    row = hist[(hist.source == "TUR") & (hist.year == 2010)]
    assert doc["actors"]["TUR"] == pytest.approx(float(row["score"].iloc[0]), rel=1e-5)
    path = tmp_path / "t.yaml"
    path.write_text(text.replace("[FILL, FILL]", "[10, 0.5]"))
    with pytest.raises(PlaceholderError, match="capability of PAK"):
        suasion.read_scenario(path)


def test_placeholders_in_a_tidy_csv_are_named(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("actor,issue,position,salience,capability\nA,x,FILL,0.5,1\nB,x,10,fill,1\n")
    with pytest.raises(PlaceholderError, match="line 2: position of A.*line 3: salience of B"):
        suasion.read_scenario(path)


def test_cli_scenario_new(cli, tmp_path):
    out = tmp_path / "talks.yaml"
    res = cli("scenario", "new", "--actors", "EU,TUR,PAK,USA,CHN,SAU", "--issue", "turkey_leads_talks",
              "-o", out)
    assert res.exit_code == 0, res
    assert "FILL" in out.read_text() and "wrote" in res.stderr
    again = cli("scenario", "new", "--actors", "EU,TUR", "--issue", "x", "-o", out)
    assert again.exit_code == 2 and "exists" in again.stderr
    printed = cli("scenario", "new", "--actors", "TUR,PAK", "--issue", "x", "--capability", "gdp")
    assert printed.exit_code == 0 and "GDP" in printed.stdout
    forecast = cli("forecast", out)
    assert forecast.exit_code == 2 and "FILL" in forecast.stderr and "Traceback" not in forecast.stderr
    missing = tmp_path / "no" / "t.yaml"
    bad = cli("scenario", "new", "--actors", "EU,TUR", "--issue", "x", "-o", missing)
    assert bad.exit_code == 2 and not missing.parent.exists()
    assert cli("scenario", "new", "--actors", "EU,TUR", "--issue", "x", "--capability", "leverage").exit_code == 2
    assert cli("scenario", "new", "--actors", "EU,Atlantis", "--issue", "x").exit_code == 2
    assert cli("scenario", "new", "--actors", "EU,TUR", "--issue", "x", "--year", "3000").exit_code == 2
