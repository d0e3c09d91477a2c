"""State resolution: names, ISO2/ISO3, COW and G-W codes, and the unknown-name error."""

from __future__ import annotations

import csv
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suasion.actors import (
    codes_to_iso3,
    cow_to_iso3,
    gw_to_iso3,
    iso3_to_code,
    state_name,
    to_iso3,
    to_iso3_many,
)
from suasion.errors import SuasionError, UnknownActorError


def _rows() -> list[dict[str, str]]:
    text = resources.files("suasion.actors").joinpath("data", "countries.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


ROWS = _rows()


@pytest.mark.parametrize("name, iso3", [
    ("Pakistan", "PAK"), ("pakistan", "PAK"), ("  PAKISTAN ", "PAK"), ("United Kingdom", "GBR"),
    ("Great Britain", "GBR"), ("UK", "GBR"), ("Russian Federation", "RUS"), ("Soviet Union", "RUS"),
    ("Republic of Korea", "KOR"), ("Korea, Dem. People's Rep.", "PRK"), ("Türkiye", "TUR"),
    ("Turkiye", "TUR"), ("Côte d'Ivoire", "CIV"), ("Ivory Coast", "CIV"), ("Burma", "MMR"),
    ("Kosovo", "XKX"), ("Taiwan", "TWN"), ("Republic of China", "TWN"), ("Palestine", "PSE"),
    ("State of Palestine", "PSE"), ("West Bank and Gaza", "PSE"), ("Niger", "NER"), ("Nigeria", "NGA"),
    ("Guinea", "GIN"), ("Equatorial Guinea", "GNQ"), ("Dominica", "DMA"), ("Dominican Republic", "DOM"),
    ("Sudan", "SDN"), ("South Sudan", "SSD"), ("Yugoslavia", "SRB"), ("Serbia and Montenegro", "SRB"),
    ("North Yemen", "YEM"), ("Lao PDR", "LAO"), ("Gambia, The", "GMB"),
])
def test_names(name: str, iso3: str) -> None:
    assert to_iso3(name) == iso3
    assert to_iso3(name, scheme="name") == iso3


def test_iso_codes_and_namibia() -> None:
    assert to_iso3("PAK") == "PAK"
    assert to_iso3("pak") == "PAK"
    assert to_iso3("NA") == "NAM"          # Namibia, not "not available"
    assert to_iso3("na") == "NAM"
    assert to_iso3("NA", scheme="iso2") == "NAM"
    assert to_iso3("iso2:NA") == "NAM"
    assert to_iso3("DE") == "DEU"
    assert to_iso3("XK") == "XKX"
    assert iso3_to_code("NAM", "iso2") == "NA"
    with pytest.raises(UnknownActorError):
        to_iso3("QQ", scheme="iso2")
    with pytest.raises(UnknownActorError):
        to_iso3("Pakistan", scheme="iso3")


@pytest.mark.parametrize("value, year, iso3", [
    (260, None, "DEU"), (255, 1950, "DEU"), (255, None, "DEU"), (260, 1970, "DEU"), (2, None, "USA"),
    (710, None, "CHN"), (770, None, "PAK"), ("770", None, "PAK"), ("cow:770", None, "PAK"),
    (345, 1980, "SRB"), (345, 2010, "SRB"), (678, 1980, "YEM"), (679, 2000, "YEM"), (816, 1970, "VNM"),
    (625, 2000, "SDN"), (626, 2015, "SSD"), (365, 1960, "RUS"), (347, 2010, "XKX"),
])
def test_cow_codes(value: int | str, year: int | None, iso3: str) -> None:
    assert to_iso3(value, year=year) == iso3


def test_cow_codes_without_iso3() -> None:
    assert cow_to_iso3(265, 1980) is None             # German Democratic Republic
    assert cow_to_iso3(680, 1980) is None             # Yemen People's Republic
    assert cow_to_iso3(817, 1970) is None             # Republic of Vietnam
    assert cow_to_iso3(99999) is None
    with pytest.raises(UnknownActorError, match="German Democratic Republic"):
        to_iso3(265)
    with pytest.raises(UnknownActorError, match="no ISO3"):
        to_iso3("East Germany")
    with pytest.raises(UnknownActorError, match="unknown COW code 99999"):
        to_iso3(99999)


@pytest.mark.parametrize("value, year, iso3", [
    (260, 1970, "DEU"), (260, 2000, "DEU"), (255, 1900, "DEU"), (340, 2010, "SRB"), (345, 1990, "SRB"),
    (678, 1980, "YEM"), (678, 2000, "YEM"), (816, 2000, "VNM"), (815, 1850, "VNM"), (2, None, "USA"),
    (770, None, "PAK"), (713, None, "TWN"),
])
def test_gw_codes(value: int, year: int | None, iso3: str) -> None:
    assert gw_to_iso3(value, year) == iso3
    assert to_iso3(f"gw:{value}", year=year) == iso3
    assert to_iso3(value, scheme="gwn", year=year) == iso3


def test_gw_differs_from_cow() -> None:
    # G-W 340 is Serbia; COW has no 340. G-W 680 is South Yemen: no ISO3.
    assert gw_to_iso3(340) == "SRB" and cow_to_iso3(340) is None
    assert gw_to_iso3(680, 1980) is None
    with pytest.raises(UnknownActorError):
        to_iso3("gw:265")


def test_cow_letter_codes() -> None:
    assert to_iso3("UKG", scheme="cowc") == "GBR"
    assert to_iso3("cowc:AUS") == "AUT"              # COW "AUS" is Austria...
    assert to_iso3("AUS") == "AUS"                   # ...but an ISO3 code wins in auto mode
    assert to_iso3("GMY") == "DEU"                   # not an ISO3 code: COW letter code as last resort


def test_unknown_name_suggests_closest() -> None:
    with pytest.raises(UnknownActorError) as info:
        to_iso3("Pakistn")
    message = str(info.value)
    assert message.startswith("unknown country 'Pakistn'; did you mean: Pakistan (PAK)")
    assert "\n" not in message
    assert isinstance(info.value, SuasionError)
    with pytest.raises(UnknownActorError, match=r"Germany \(DEU\)"):
        to_iso3("Germny")


def test_bad_scheme_and_types() -> None:
    with pytest.raises(ValueError):
        to_iso3("PAK", scheme="fips")
    with pytest.raises(UnknownActorError):
        to_iso3(None)  # type: ignore[arg-type]
    with pytest.raises(UnknownActorError):
        to_iso3("")


def test_many_and_vectorised_helpers() -> None:
    assert to_iso3_many(["Pakistan", "NA", 2, "cow:260"]) == ["PAK", "NAM", "USA", "DEU"]
    assert codes_to_iso3([2, 265, None, 770.0], "cown", years=[2000, 1980, 2000, 2000]) == \
        ["USA", None, None, "PAK"]
    assert codes_to_iso3([260, 340], "gwn") == ["DEU", "SRB"]


def test_crosswalk_covers_states() -> None:
    iso3s = {r["iso3"] for r in ROWS}
    assert {"XKX", "TWN", "PSE", "NAM", "SSD", "SRB"} <= iso3s
    assert len(iso3s) == len(ROWS)
    assert state_name("PSE") == "Palestine"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([r for r in ROWS if r["iso2"]]))
def test_roundtrip_iso3_iso2(row: dict[str, str]) -> None:
    iso2 = iso3_to_code(row["iso3"], "iso2")
    assert iso2 == row["iso2"]
    assert to_iso3(iso2) == row["iso3"]
    assert to_iso3(row["iso3"].lower()) == row["iso3"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ROWS))
def test_every_canonical_name_resolves_to_its_code(row: dict[str, str]) -> None:
    assert to_iso3(row["name"]) == row["iso3"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([r for r in ROWS if r["cown"]]))
def test_roundtrip_iso3_cow(row: dict[str, str]) -> None:
    code = iso3_to_code(row["iso3"], "cown")
    assert to_iso3(code) == row["iso3"]


def test_every_row_round_trips() -> None:
    """Exhaustive version of the properties above, over every crosswalk row."""
    for row in ROWS:
        assert to_iso3(row["iso3"]) == row["iso3"]
        assert to_iso3(row["name"]) == row["iso3"], row["name"]
        if row["iso2"]:
            assert to_iso3(row["iso2"], scheme="iso2") == row["iso3"]
        if row["cown"]:
            assert to_iso3(int(row["cown"])) == row["iso3"]
        if row["gwn"]:
            assert to_iso3(f"gw:{row['gwn']}") == row["iso3"]
