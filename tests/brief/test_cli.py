"""``suasion brief``: the bottom line and the path on success; one line, exit 2 and no file on bad input."""

from __future__ import annotations

import re

import pytest

from .conftest import DATE


def _no_file_left(folder) -> None:
    assert list(folder.iterdir()) == [], "a failed brief left a file behind"


def test_writes_html_and_prints_the_bottom_line_and_path(cli, tmp_path, eu_pak) -> None:
    out = tmp_path / "brief.html"
    result = cli("brief", "--principal", "EU", "--target", "PAK", "-o", str(out), "--date", DATE)
    assert result.exit_code == 0, result
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == f"written: {out}"
    for statement in eu_pak.bottom_line[:3]:      # the scenario adds a fourth line to the fixture's brief
        assert f"- {statement.text}" in lines
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>")
    # self-contained: no external reference of any kind
    for pattern in ("http://", "https://", "src=", "<link", "<script", "@import"):
        assert pattern not in html.replace('xmlns="http://www.w3.org/2000/svg"', ""), pattern
    # url() only for fragments of the page itself (the map's no-data pattern), never a file or address
    assert re.findall(r"url\((?!#)", html) == []
    assert "<svg" in html and 'id="map"' in html and 'id="broker-diagram"' in html
    assert "suasion brief --principal EU --target PAK --year" in html and "-o brief.html" in html


@pytest.mark.parametrize("args, message", [
    (["--principal", "EU", "--target", "Pakistn"], "unknown actor 'Pakistn'"),
    (["--principal", "PAK", "--target", "Pakistan"], "principal and target are both PAK"),
    (["--principal", "EU", "--target", "PAK", "--broker", "EU", "--kind", "meeting"], "the broker EU is the principal"),
    (["--principal", "EU", "--target", "PAK", "--year", "1900"], "1900"),
    (["--target", "PAK"], "needs --principal"),
    (["--principal", "EU", "--target", "PAK", "--kind", "memo"], "memo"),
    (["--principal", "EU", "--target", "PAK", "--date", "15/01/2026"], "--date"),
    (["--principal", "EU", "--target", "PAK", "--marking", "SECRET<script>"], "--marking"),
    (["--principal", "EU", "--target", "PAK", "--events", "/nonexistent/store"], "no such folder"),
])
def test_bad_input_is_one_line_exit_2_no_file(cli, tmp_path, args, message) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    result = cli("brief", *args, "-o", str(out_dir / "brief.html"))
    assert result.exit_code == 2, result
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    _no_file_left(out_dir)


def test_unreadable_scenario(cli, tmp_path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    bad = tmp_path / "talks.yaml"
    bad.write_text("actors: [this is: not a scenario\n")
    for scenario, message in ((bad, "talks.yaml"), (tmp_path / "missing.yaml", "no such file")):
        result = cli("brief", "--principal", "EU", "--target", "PAK", "--scenario", str(scenario),
                     "-o", str(out_dir / "brief.pdf"))
        assert result.exit_code == 2, result
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    _no_file_left(out_dir)


def test_unreachable_register_names_it_without_the_password(cli, tmp_path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for register, message in (("postgresql://desk:hunter2secret@127.0.0.1:1/register", "cannot open the register"),
                              (str(tmp_path / "missing.sqlite"), "no such file")):
        result = cli("brief", "--principal", "EU", "--target", "PAK", "--register", register,
                     "-o", str(out_dir / "brief.html"))
        assert result.exit_code == 2, result
        assert message in result.stderr and "hunter2secret" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "missing.sqlite").exists()      # a brief never creates a register
    _no_file_left(out_dir)


def test_output_file_checks(cli, tmp_path) -> None:
    result = cli("brief", "--principal", "EU", "--target", "PAK", "-o", str(tmp_path / "brief.docx"))
    assert result.exit_code == 2 and ".html, .pdf or .md" in result.stderr
    result = cli("brief", "--principal", "EU", "--target", "PAK", "-o", str(tmp_path / "no" / "brief.html"))
    assert result.exit_code == 2 and "does not exist" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_writing_keeps_the_old_file(tmp_path, eu_pak, monkeypatch) -> None:
    out = tmp_path / "brief.pdf"
    out.write_bytes(b"old")

    def broken(_html):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr("suasion.brief.render.pdf", broken)
    with pytest.raises(RuntimeError):
        eu_pak.write(out)
    assert out.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["brief.pdf"]
