"""Briefs built once per test session (each takes a few seconds), and the example scenario."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

DATE = "2026-01-15"


@pytest.fixture(scope="session")
def scenario_path() -> Path:
    return Path(str(resources.files("suasion.bargaining") / "data" / "examples" / "eu_turkey_pakistan.yaml"))


@pytest.fixture(scope="session")
def eu_pak(scenario_path):
    """The EU→PAK minister brief with the example scenario."""
    import suasion

    return suasion.brief("EU", "PAK", scenario=scenario_path, date=DATE)


@pytest.fixture(scope="session")
def gbr_pak():
    import suasion

    return suasion.brief("GBR", "PAK", date=DATE)


@pytest.fixture(scope="session")
def eu_tur_meeting(scenario_path):
    import suasion

    return suasion.brief("EU", "PAK", kind="meeting", broker="TUR", scenario=scenario_path, date=DATE)


@pytest.fixture(scope="session")
def pak_country():
    import suasion

    return suasion.brief("EU", "PAK", kind="country", date=DATE)
