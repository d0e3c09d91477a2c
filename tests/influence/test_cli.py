"""``suasion brokers | paths | incentives | whatif`` on the bundled panel: output and user errors."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli


@pytest.mark.parametrize("args, words", [
    (["incentives", "-p", "EU", "-b", "TUR", "--third-parties", "-1"], "--third-parties"),
    (["brokers", "-p", "EU", "-t", "PAK", "--top", "-5"], "--top"),
    (["incentives", "-p", "EU", "-b", "TUR", "--top", "-5"], "--top"),
    (["whatif", "-p", "EU", "-t", "PAK", "-y", "2010", "--change", "EU>TUR trade -200%"], "more than 100%"),
    (["whatif", "-p", "EU", "-t", "PAK", "-y", "2010", "--change", "EU>TUR trade +5 in 2012"], "after the year"),
    (["whatif", "-p", "EU", "-t", "PAK", "-y", "2010", "--file", "/nonexistent/changes.txt"], "no such file"),
    (["whatif", "-p", "EU", "-t", "PAK", "-y", "2010"], "give at least one --change"),
    (["brokers", "-p", "PAK", "-t", "Pakistan"], "both PAK"),
    (["incentives", "-p", "EU", "-b", "EU"], "both EU"),
    (["incentives", "-p", "EU", "-b", "FRA", "-y", "2010"], "FRA is a member of EU"),
    (["brokers", "-p", "Atlantis", "-t", "PAK"], "Atlantis"),
    (["brokers", "-p", "EU", "-t", "PAK", "--year", "3000"], "3000"),
    (["paths", "-p", "EU", "-t", "PAK", "--year", "1800"], "1800"),
    (["brokers", "-p", "EU", "-t", "PAK", "--model", "fbic"], "not fbic"),
    (["paths", "-p", "EU", "-t", "PAK", "--model", "nosuch"], "unknown model"),
    (["paths", "-p", "EU", "-t", "PAK", "--hops", "0"], "--hops"),
    (["paths", "-p", "EU", "-t", "PAK", "-y", "2010", "--attenuation", "0"], "attenuation"),
    (["paths", "-p", "EU", "-t", "PAK", "-y", "2010", "--attenuation", "abc"], "--attenuation"),
])
def test_user_errors_are_one_line_and_exit_2(args: list[str], words: str) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2, result
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3
    assert words in result.stderr


def test_brokers_table_and_json() -> None:
    table = run_cli("brokers", "-p", "EU", "-t", "PAK", "-y", "2010", "--top", "5")
    assert table.exit_code == 0, table
    assert "two-hop reach" in table.stdout and "USA" in table.stdout
    out = run_cli("brokers", "-p", "EU", "-t", "PAK", "-y", "2010", "--top", "3", "--format", "json")
    records = json.loads(out.stdout)
    assert len(records) == 3 and {"flags", "channels", "data_years", "score", "model"} <= set(records[0])
    assert records[0]["model"] == "suasion-2"
    v1 = json.loads(run_cli("brokers", "-p", "EU", "-t", "PAK", "-y", "2010", "-n", "1", "-f", "json",
                            "--model", "suasion-1").stdout)
    assert v1[0]["model"] == "suasion-1"


def test_paths_incentives_whatif_run() -> None:
    paths = run_cli("paths", "-p", "EU", "-t", "PAK", "-y", "2010", "-f", "json")
    body = json.loads(paths.stdout)
    assert body["indirect"] >= body["two_hop"] > 0 and body["routes"][0]["path"].startswith("EU >")
    menu = run_cli("incentives", "-p", "EU", "-b", "TUR", "-y", "2010", "-f", "csv")
    assert menu.exit_code == 0 and "whatif" in menu.stdout.splitlines()[0] and "data_year" in menu.stdout
    result = run_cli("whatif", "-p", "EU", "-t", "PAK", "-y", "2010", "--change", "EU>TUR trade +20%")
    assert result.exit_code == 0, result
    assert "EU>TUR" in result.stdout and "TUR>EU" in result.stdout
