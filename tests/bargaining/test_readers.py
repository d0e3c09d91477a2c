"""Readers and validation: every bad value is an error naming the file, row and column."""

from __future__ import annotations

import numpy as np
import pytest

from suasion.bargaining.readers import read_scenario
from suasion.bargaining.scenario import ScenarioError

LONG = """actor,issue,position,salience
TUR,talks,80,0.6
PAK,talks,20,0.9
TUR,visas,10,0.9
PAK,visas,50,0.1
"""
ACTORS = "actor,capability\nTUR,60\nPAK,40\n"


def test_long_csv_with_actors_table(write):
    path = write("s.csv", LONG)
    write("s_actors.csv", ACTORS)
    scen = read_scenario(path)
    assert scen.actors == ("TUR", "PAK")
    assert scen.issues == ("talks", "visas")
    assert scen.position[0, 0] == 80 and scen.salience[1, 0] == pytest.approx(0.9)
    assert scen.capability[:, 1].tolist() == [60, 40]


def test_percent_saliences_are_rescaled(write):
    path = write("p.csv", "actor,issue,position,salience,capability\nA,x,0,50,1\nB,x,100,100,1\n")
    scen = read_scenario(path)
    assert scen.salience[:, 0].tolist() == [0.5, 1.0]


@pytest.mark.parametrize("body, line, column, words", [
    ("TUR,talks,120,0.6\n", 2, "position", "outside the scale"),
    ("TUR,talks,80,-0.2\n", 2, "salience", "outside"),
    ("TUR,talks,80,\n", 2, "salience", "missing"),
    ("TUR,talks,eighty,0.5\n", 2, "position", "not a number"),
    ("IND,talks,80,0.5\n", 2, "actor", "unknown actor 'IND'"),
])
def test_validation_errors_name_the_row(write, body, line, column, words):
    path = write("bad.csv", "actor,issue,position,salience\n" + body)
    write("bad_actors.csv", ACTORS)
    with pytest.raises(ScenarioError) as err:
        read_scenario(path)
    msg = str(err.value)
    assert f"line {line}" in msg and f"column {column!r}" in msg and words in msg
    assert "bad.csv" in msg


def test_salience_above_100_is_rejected(write):
    path = write("b.csv", "actor,issue,position,salience,capability\nA,x,0,50,1\nB,x,100,101,1\n")
    with pytest.raises(ScenarioError, match=r"line 3.*salience 101.*outside \[0, 100\]"):
        read_scenario(path)


def test_yaml_scenario(write):
    path = write("s.yaml", """
name: brokering
actors: {TUR: 60, PAK: 40}
issues:
  - name: talks
    status_quo: 10
    positions: {TUR: [80, 0.6], PAK: {position: 20, salience: 0.9}}
  - name: visas
    scale: [0, 10]
    positions: {TUR: [1, 0.9], PAK: [5, 0.1]}
""")
    scen = read_scenario(path)
    assert scen.name == "brokering"
    assert scen.status_quo[0] == 10 and np.isnan(scen.status_quo[1])
    assert scen.scale[1].tolist() == [0, 10]
    assert scen.position[1, 0] == 20


def test_yaml_unknown_actor(write):
    path = write("s.yaml", "actors: {TUR: 60}\nissues:\n  - name: t\n    positions: {PAK: [1, 0.5]}\n")
    with pytest.raises(ScenarioError, match="unknown actor 'PAK'"):
        read_scenario(path)


def test_bdm_one_issue_table(fixtures):
    scen = read_scenario(fixtures / "emission_standards.csv")
    assert scen.n_actors == 10 and scen.n_issues == 1
    assert scen.capability[3, 0] == pytest.approx(0.16)


def test_ktab_csv(fixtures):
    scen = read_scenario(fixtures / "SOE-Pol-Comp.csv")
    assert scen.n_actors == 13 and scen.issues == ("Policy", "Competitive")
    assert scen.position[0].tolist() == [30, 20]
    assert scen.salience[0].tolist() == pytest.approx([0.24, 0.48])
    assert scen.capability[0, 0] == 100.0


def test_ktab_xml_rejects_empty_coordinate(write):
    xml = """<Scenario><name>t</name><Dimensions><dName>A</dName></Dimensions><Actors>
    <Actor><name>Alice</name><capability>10</capability><Position><dCoord></dCoord></Position>
    <Salience><dSal>20</dSal></Salience></Actor></Actors></Scenario>"""
    with pytest.raises(ScenarioError, match="Alice.*empty <dCoord>"):
        read_scenario(write("x.xml", xml))


def test_ktab_xml_reads_parameters(write):
    xml = """<Scenario><name>t</name><prngSeed>42</prngSeed><ModelParameters><VotingRule>Binary</VotingRule>
    </ModelParameters><Dimensions><dName>A</dName></Dimensions><Actors>
    <Actor><name>Alice</name><capability>10</capability><Position><dCoord>30</dCoord></Position>
    <Salience><dSal>20</dSal></Salience></Actor>
    <Actor><name>Bob</name><capability>5</capability><Position><dCoord>70</dCoord></Position>
    <Salience><dSal>80</dSal></Salience></Actor></Actors></Scenario>"""
    scen = read_scenario(write("x.xml", xml))
    assert scen.meta["ktab_params"]["VotingRule"] == "Binary"
    assert scen.position[:, 0].tolist() == [30, 70]


def test_decide_file(fixtures):
    scen = read_scenario(fixtures / "copenhagen.csv")
    assert scen.n_actors == 11 and scen.n_issues == 7
    usa = scen.actor_index("USA")
    assert scen.capability[usa, 0] > 0 and 0 <= scen.salience[usa, 0] <= 1


def test_decide_bad_power(write):
    text = ("'#A'\t'A'\t'A'\t''\n'#A'\t'B'\t'B'\t''\n'#P'\t'x'\t'x'\t''\n"
            "'#D'\t'A'\t'x'\t10\t0.5\t0.3\n'#D'\t'B'\t'x'\t90\t0.5\t-0.3\n")
    with pytest.raises(ScenarioError, match=r"line 5, column 'power'"):
        read_scenario(write("d.csv", text))


def test_deu_fixture(fixtures):
    scen = read_scenario(fixtures / "deu_sample.tsv", "deu")
    assert scen.n_issues == 40 and scen.n_actors == 30
    assert scen.issues[0] == "d00060i1" and scen.group[0] == "d00060"
    assert scen.outcome[0] == 50 and np.isnan(scen.status_quo[0])
    # 2000 proposal: Council weights of the pre-Nice regime, Commission = largest state
    com, de, lu, pl = (scen.actor_index(a) for a in ("com", "de", "lu", "pl"))
    assert scen.capability[com, 0] == 10 and scen.capability[de, 0] == 10 and scen.capability[lu, 0] == 2
    part = scen.participates[:, 0]
    assert part[com] and not part[pl]


def test_deu_bad_value_names_line(tmp_path, fixtures):
    lines = (fixtures / "deu_sample.tsv").read_text().splitlines()
    cells = lines[3].split("\t")
    cells[13] = "150"                                      # pcom of the second issue
    lines[3] = "\t".join(cells)
    p = tmp_path / "deu.tsv"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(ScenarioError, match=r"line 4, column 'pcom'.*outside"):
        read_scenario(p, "deu")


def test_deu_user_capability_table(tmp_path, fixtures):
    table = tmp_path / "cap.csv"
    table.write_text("actor,capability\n" + "".join(f"{a},1\n" for a in
                     ["com", "ep", "at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el", "hu", "ie", "it", "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es", "se", "uk"]))
    scen = read_scenario(fixtures / "deu_sample.tsv", "deu", capabilities=table)
    assert set(np.unique(scen.capability[scen.participates])) == {1.0}


def test_scenario_column_selects_one(write):
    path = write("multi.csv", "scenario,actor,capability,position,salience\n"
                              "s1,A,70,100,100\ns1,B,40,40,100\ns2,A,10,0,50\ns2,C,20,60,100\n")
    with pytest.raises(ScenarioError, match="2 scenarios"):
        read_scenario(path)
    scen = read_scenario(path, scenario="s2")
    assert scen.actors == ("A", "C") and scen.issues == ("s2",)
    assert scen.salience[:, 0].tolist() == [0.5, 1.0]
    with pytest.raises(ScenarioError, match="no scenario 's3'"):
        read_scenario(path, scenario="s3")
