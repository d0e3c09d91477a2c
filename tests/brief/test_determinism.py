"""The same inputs and --date give byte-identical HTML, in one process and across processes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import suasion

from .conftest import DATE


def test_same_inputs_same_html_and_markdown(eu_pak, scenario_path) -> None:
    again = suasion.brief("EU", "PAK", scenario=scenario_path, date=DATE)
    assert again.html == eu_pak.html
    assert again.markdown == eu_pak.markdown


def test_only_the_date_changes_with_the_date(gbr_pak) -> None:
    later = suasion.brief("GBR", "PAK", date="2026-02-01")
    assert later.html != gbr_pak.html
    assert later.html.replace("2026-02-01", DATE) == gbr_pak.html


@pytest.mark.slow
def test_byte_identical_across_processes_and_hash_seeds(tmp_path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"brief{seed}" / "brief.html"
        out.parent.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "suasion.cli", "brief", "--principal", "EU", "--target", "PAK",
                        "--date", DATE, "-o", str(out)], check=True, env=env, capture_output=True)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
