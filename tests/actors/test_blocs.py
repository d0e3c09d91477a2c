"""Blocs: dated membership, the membership rule and resolve_actor."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suasion.actors import (
    actor_name,
    bloc_members,
    bloc_membership,
    blocs,
    is_bloc,
    resolve_actor,
    to_iso3,
)
from suasion.errors import CoverageError, UnknownActorError


def test_eu_enlargement_2004_poland() -> None:
    assert "POL" in bloc_members("EU", 2004)
    assert "POL" not in bloc_members("EU", 2003)
    new_2004 = bloc_members("EU", 2004) - bloc_members("EU", 2003)
    assert new_2004 == {"CYP", "CZE", "EST", "HUN", "LVA", "LTU", "MLT", "POL", "SVK", "SVN"}


def test_eu_sizes_by_enlargement() -> None:
    sizes = {year: len(bloc_members("EU", year)) for year in (1958, 1973, 1981, 1986, 1995, 2004, 2007,
                                                               2013, 2019, 2020)}
    assert sizes == {1958: 6, 1973: 9, 1981: 10, 1986: 12, 1995: 15, 2004: 25, 2007: 27, 2013: 28,
                     2019: 28, 2020: 27}


def test_uk_leaves_eu_in_2020() -> None:
    assert "GBR" in bloc_members("EU", 2019)
    assert "GBR" not in bloc_members("EU", 2020)
    assert "GBR" in bloc_members("NATO", 2020)


def test_nato() -> None:
    assert "FIN" in bloc_members("NATO", 2023) and "FIN" not in bloc_members("NATO", 2022)
    assert "SWE" in bloc_members("NATO", 2024) and "SWE" not in bloc_members("NATO", 2023)
    assert "DEU" in bloc_members("NATO", 1955) and "DEU" not in bloc_members("NATO", 1954)
    assert all("FRA" in bloc_members("NATO", y) for y in range(1949, 2026))  # 1966-2009 is not an exit
    assert len(bloc_members("NATO", 1949)) == 12 and len(bloc_members("NATO", 2024)) == 32


def test_sco_asean_gcc_au() -> None:
    assert "IND" in bloc_members("SCO", 2017) and "IND" not in bloc_members("SCO", 2016)
    assert "IRN" in bloc_members("SCO", 2023) and "BLR" in bloc_members("SCO", 2024)
    assert "MAR" in bloc_members("AU", 2017) and "MAR" not in bloc_members("AU", 2016)
    assert "SSD" in bloc_members("AU", 2011) and "SSD" not in bloc_members("AU", 2010)
    assert len(bloc_members("AU", 2002)) == 53 and len(bloc_members("AU", 2017)) == 55
    assert "TLS" in bloc_members("ASEAN", 2025) and len(bloc_members("ASEAN", 2024)) == 10
    assert bloc_members("GCC", 1981) == {"ARE", "BHR", "KWT", "OMN", "QAT", "SAU"}


def test_before_founding_is_coverage_error() -> None:
    with pytest.raises(CoverageError, match="SCO .* 2000"):
        bloc_members("SCO", 2000)
    with pytest.raises(CoverageError):
        bloc_members("EU", 1957)
    with pytest.raises(CoverageError):
        bloc_members("AU", 2001)
    with pytest.raises(UnknownActorError, match="bloc"):
        bloc_members("Warsaw Pact", 1970)


def test_is_bloc_and_resolve_actor() -> None:
    assert is_bloc("EU") and is_bloc("eu") and is_bloc("European Union") and is_bloc("nato")
    assert not is_bloc("Pakistan") and not is_bloc("PAK")
    assert resolve_actor("eu") == "EU"
    assert resolve_actor("North Atlantic Treaty Organization") == "NATO"
    assert resolve_actor("Shanghai Cooperation Organization") == "SCO"
    assert resolve_actor("AU") == "AU"             # the African Union; Australia is AUS
    assert resolve_actor("Australia") == "AUS"
    assert resolve_actor("Pakistan") == "PAK"
    assert resolve_actor(770) == "PAK"
    with pytest.raises(UnknownActorError) as info:
        resolve_actor("Pakistn")
    assert "Pakistan (PAK)" in str(info.value)
    with pytest.raises(UnknownActorError) as info:
        resolve_actor("Europian Union")
    assert "European Union (EU)" in str(info.value)


def test_actor_name() -> None:
    assert actor_name("PAK") == "Pakistan"
    assert actor_name("EU") == "European Union"
    assert actor_name("au") == "African Union"
    assert actor_name("XKX") == "Kosovo"


def test_tables() -> None:
    table = blocs()
    assert list(table.columns[:4]) == ["bloc", "name", "founded", "members_now"]
    assert set(table.bloc) == {"EU", "NATO", "GCC", "ASEAN", "SCO", "AU"}
    now = dict(zip(table.bloc, table.members_now))
    assert now["EU"] == 27 and now["NATO"] == 32 and now["AU"] == 55
    membership = bloc_membership()
    assert list(membership.columns) == ["bloc", "iso3", "joined", "left"]
    uk = membership[(membership.bloc == "EU") & (membership.iso3 == "GBR")]
    assert uk.joined.tolist() == [1973] and uk.left.tolist() == [2020]
    assert len(bloc_membership("gcc")) == 6


def test_every_member_is_a_known_state() -> None:
    membership = bloc_membership()
    for iso3 in membership.iso3:
        assert to_iso3(iso3) == iso3
    assert not membership.duplicated(["bloc", "iso3", "joined"]).any()
    assert (membership.left.isna() | (membership.left > membership.joined)).all()


@given(st.sampled_from(["EU", "NATO", "GCC", "ASEAN", "SCO", "AU"]),
       st.integers(2002, datetime.date.today().year))
def test_membership_follows_spells(bloc: str, year: int) -> None:
    spells = bloc_membership(bloc)
    expected = set(spells[(spells.joined <= year) & (spells.left.isna() | (spells.left > year))].iso3)
    assert bloc_members(bloc, year) == expected


def test_membership_of_a_future_year_is_refused() -> None:
    with pytest.raises(CoverageError, match="in the future"):
        bloc_members("EU", datetime.date.today().year + 1)
