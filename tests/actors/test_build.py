"""The committed crosswalk is what scripts/build_actors.py produces from ../shared/data."""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.shared
def test_build_reproduces_package_data(shared_data: Path, tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_actors", REPO / "scripts" / "build_actors.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(shared_data, tmp_path)
    for name in ("countries.csv", "code_spells.csv", "former_states.csv"):
        shipped = resources.files("suasion.actors").joinpath("data", name).read_text(encoding="utf-8")
        assert (tmp_path / name).read_text(encoding="utf-8") == shipped, name


@pytest.mark.shared
def test_spells_agree_with_cow_state_list(shared_data: Path) -> None:
    import pandas as pd

    from suasion.actors import cow_to_iso3

    states = pd.read_csv(shared_data / "states_cow" / "cow_states.csv")
    codelist = pd.read_csv(shared_data / "country_codes" / "codelist.csv", keep_default_na=False,
                           na_values=[""])
    expected = dict(zip(codelist.dropna(subset=["cown", "iso3c"]).cown.astype(int),
                        codelist.dropna(subset=["cown", "iso3c"]).iso3c))
    checked = 0
    for rec in states.to_dict(orient="records"):
        code, year = int(rec["ccode"]), int(rec["endyear"])
        if code in expected and code not in (255, 260):  # Germany: both COW codes are DEU
            assert cow_to_iso3(code, year) == expected[code], (code, year)
            checked += 1
    assert checked > 150
