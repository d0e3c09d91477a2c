"""Readers: layout detection, per-row validation, encodings, bad input, on real GDELT/ICEWS rows."""

from __future__ import annotations

import csv
import gzip
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from suasion.errors import SuasionError
from suasion.events.errors import EventFormatError
from suasion.events.layouts import LAYOUTS, sniff_line
from suasion.events.readers import detect_layout, read_events, uncompressed_size

from .helpers import FIXTURES, raw_rows

V2 = FIXTURES / "gdelt2_20170701234500_head400.export.CSV"
V1_57 = FIXTURES / "gdelt1_backfile_57.tsv"
MIXED = FIXTURES / "gdelt1_mixed_57_58.tsv"
ICEWS = FIXTURES / "icews_2018_head300.tab"


def _value(x: object) -> object:
    return None if pd.isna(x) else x


@pytest.mark.parametrize(
    "path, layout, header",
    [
        (V2, "gdelt2_61", False),
        (V1_57, "gdelt1_57", False),
        (MIXED, "gdelt1_58", False),
        (ICEWS, "icews_20", True),
    ],
)
def test_layout_detected_from_first_line(path: Path, layout: str, header: bool) -> None:
    found, has_header = detect_layout(path)
    assert (found.name, has_header) == (layout, header)


def test_layout_column_counts_match_the_codebooks() -> None:
    assert [LAYOUTS[n].n_fields for n in ("gdelt1_57", "gdelt1_58", "gdelt2_61", "icews_20")] == [
        57,
        58,
        61,
        20,
    ]
    # v1 has FeatureID and no ADM2Code; v2 has both (reference §1-2)
    assert LAYOUTS["gdelt1_58"].columns[41] == "Actor1Geo_FeatureID"
    assert LAYOUTS["gdelt2_61"].columns[39] == "Actor1Geo_ADM2Code"
    assert LAYOUTS["gdelt2_61"].columns[42] == "Actor1Geo_FeatureID"
    assert LAYOUTS["gdelt2_61"].columns[59:] == ("DATEADDED", "SOURCEURL")


def test_mixed_gdelt1_file_is_read_row_by_row() -> None:
    frame = read_events(MIXED, "gdelt1")
    report = frame.attrs["report"]
    raw = raw_rows(MIXED)
    n58 = sum(len(r) == 58 for r in raw)
    n57 = sum(len(r) == 57 for r in raw)
    assert (n58, n57) == (60, 20)
    assert report.layouts == {"gdelt1_58": n58, "gdelt1_57": n57}
    assert report.rows_skipped == 0
    by_id = frame.set_index("event_id")
    for r in raw:
        row = by_id.loc[int(r[0])]
        assert row["layout"] == f"gdelt1_{len(r)}"
        assert _value(row["source_url"]) == (r[57] if len(r) == 58 else None)
        assert row["event_code"] == r[26] and row["date_added"] == r[56]


def test_gdelt2_fields_land_in_the_right_columns() -> None:
    frame = read_events(V2, "gdelt2").set_index("event_id")
    raw = raw_rows(V2)
    assert len(frame) == len(raw) == 400
    for r in raw:
        row = frame.loc[int(r[0])]
        assert (
            row["event_code"] == r[26] and row["event_base_code"] == r[27] and row["event_root_code"] == r[28]
        )
        assert _value(row["actor1_code"]) == (r[5] or None) and _value(row["actor2_country"]) == (
            r[17] or None
        )
        assert row["goldstein"] == float(r[30]) and row["num_mentions"] == int(r[31])
        assert _value(row["action_country"]) == (
            r[53] or None
        )  # FIPS code of ActionGeo, not the CAMEO actor code
        assert row["date_added"] == r[59] and row["source_url"] == r[60]
        assert row["day"].strftime("%Y%m%d") == r[1]


def test_codes_keep_leading_zeros() -> None:
    frame = read_events(V2, "gdelt2")
    assert frame["event_code"].str.startswith("0").any()
    assert set(frame["event_root_code"].str.len()) == {2}
    assert frame["event_code"].map(type).eq(str).all()


def test_icews_rows_map_country_names_to_iso3() -> None:
    frame = read_events(ICEWS, "icews")
    with open(ICEWS, encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh, delimiter="\t"))
    assert len(frame) == len(raw) == 300
    first = frame.set_index("event_id").loc[int(raw[0]["Event ID"])]
    assert first["actor1_iso3"] == "BGD" and first["actor2_iso3"] == "VNM"
    assert first["event_code"] == raw[0]["CAMEO Code"] == "040"
    assert first["actor2_types"] == "Military,Government"
    named = frame[frame["actor1_country"].notna()]
    assert named["actor1_iso3"].notna().mean() > 0.98  # every sample country name resolves but a rare few


def test_gzip_and_zip_as_distributed(tmp_path: Path) -> None:
    gz = tmp_path / "20170701234500.export.CSV.gz"
    gz.write_bytes(gzip.compress(V2.read_bytes()))
    zipped = tmp_path / "20170701234500.export.CSV.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(V2, "20170701234500.export.CSV")
    assert len(read_events(gz, "gdelt2")) == 400
    assert len(read_events(zipped, "gdelt2")) == 400
    size = len(V2.read_bytes())
    assert uncompressed_size(gz) == uncompressed_size(zipped) == uncompressed_size(V2) == size


def test_truncated_zip_is_a_clear_error(tmp_path: Path) -> None:
    zipped = tmp_path / "20170701234500.export.CSV.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(V2, "20170701234500.export.CSV")
    data = zipped.read_bytes()
    zipped.write_bytes(data[: len(data) // 2])
    with pytest.raises(EventFormatError, match="zip"):
        read_events(zipped, "gdelt2")


def test_truncated_gzip_is_a_clear_error(tmp_path: Path) -> None:
    gz = tmp_path / "x.export.CSV.gz"
    data = gzip.compress(V2.read_bytes())
    gz.write_bytes(data[: len(data) // 2])
    with pytest.raises(EventFormatError, match=str(gz.name)):
        read_events(gz, "gdelt2")


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.export.CSV"
    empty.write_bytes(b"")
    with pytest.raises(EventFormatError, match="empty file"):
        read_events(empty, "gdelt2")


@pytest.mark.parametrize(
    "path, fmt, looks",
    [
        (V2, "gdelt1", "gdelt2"),
        (V1_57, "gdelt2", "gdelt1"),
        (ICEWS, "gdelt2", "icews"),
        (V2, "icews", "gdelt2"),
    ],
)
def test_wrong_format_flag_says_what_the_file_looks_like(path: Path, fmt: str, looks: str) -> None:
    with pytest.raises(EventFormatError, match=f"--format {fmt} given, but it looks like {looks}") as info:
        read_events(path, fmt)
    assert isinstance(info.value, SuasionError) and str(path) in str(info.value)


def test_sniff_recognises_other_gdelt_exports(shared_data: Path) -> None:
    pyr = shared_data / "events" / "gdelt_v2" / "gdeltPyR_events2samps_20170701234500.csv.gz"
    with gzip.open(pyr, "rb") as fh:
        assert "gdeltPyR" in sniff_line(fh.readline()).description
    r_export = shared_data / "events" / "gdelt_v1" / "undp_georgia_gdelt1_aug2012_Rexport.csv"
    with open(r_export, "rb") as fh:
        assert "R re-export" in sniff_line(fh.readline()).description
    with pytest.raises(EventFormatError, match="not a raw GDELT file"):
        read_events(r_export, "gdelt1")
    assert "Mentions" in sniff_line(b"\t".join([b"1"] * 16)).description


def _bad_file(tmp_path: Path) -> tuple[Path, list[int]]:
    lines = V2.read_bytes().split(b"\n")[:20]
    fields = lines[3].split(b"\t")
    fields[30] = b"minus-two"  # GoldsteinScale not a number
    lines[3] = b"\t".join(fields)
    lines[7] = b"\t".join(lines[7].split(b"\t")[:40])  # truncated row
    fields = lines[11].split(b"\t")
    fields[1] = b""  # SQLDATE empty
    lines[11] = b"\t".join(fields)
    fields = lines[14].split(b"\t")
    fields[6] = b"CAF\xe9 \xff"  # latin-1 byte and an invalid byte in Actor1Name
    lines[14] = b"\t".join(fields)
    bad = tmp_path / "bad.export.CSV"
    bad.write_bytes(b"\n".join(lines) + b"\n")
    return bad, [4, 8, 12]


def test_malformed_rows_are_reported_with_line_and_reason(tmp_path: Path) -> None:
    bad, bad_lines = _bad_file(tmp_path)
    frame = read_events(bad, "gdelt2", on_error="skip")
    report = frame.attrs["report"]
    assert [p.line for p in report.problems] == bad_lines
    reasons = [p.reason for p in report.problems]
    assert "GoldsteinScale" in reasons[0] and "40 fields" in reasons[1] and "SQLDATE" in reasons[2]
    assert report.rows_skipped == 3 and len(frame) == 17
    assert report.rows_recoded == 1  # the non-UTF-8 row is kept, bytes replaced
    name = frame.set_index("event_id").loc[int(raw_rows(bad)[14][0]), "actor1_name"]
    assert name.startswith("CAF") and len(name) == 6


def test_on_error_fail_stops_at_the_first_malformed_row(tmp_path: Path) -> None:
    bad, bad_lines = _bad_file(tmp_path)
    with pytest.raises(EventFormatError, match=rf"bad.export.CSV, line {bad_lines[0]}: malformed row"):
        read_events(bad, "gdelt2", on_error="fail")


def test_every_row_of_the_real_samples_is_read(shared_data: Path) -> None:
    events = shared_data / "events"
    v1 = read_events(events / "gdelt_v1" / "gdelt1_backfile_57col_sample.tsv", "gdelt1")
    v2 = read_events(
        events / "gdelt_v2" / "gdelt2_events_20170701234500_reconstructed.export.tsv.gz", "gdelt2"
    )
    ic = read_events(events / "icews" / "icews_events.2018.sample.tab", "icews")
    assert (len(v1), len(v2), len(ic)) == (201, 6090, 3705)
    assert v1.attrs["report"].layouts == {"gdelt1_57": 201}
    for frame in (v1, v2, ic):
        assert frame.attrs["report"].rows_skipped == 0
    with gzip.open(
        events / "gdelt_v2" / "gdelt2_events_20170701234500_reconstructed.export.tsv.gz", "rt"
    ) as fh:
        added = {line.split("\t")[59] for line in fh}
    assert set(v2["date_added"]) == added == {"20170501234500", "20170601234500", "20170701234500"}


def test_icews_quad_and_goldstein_follow_the_icews_scheme() -> None:
    from suasion.events.reference import goldstein_table, quad_of

    frame = read_events(ICEWS, "icews")
    with open(ICEWS, encoding="utf-8") as fh:
        raw = {int(r["Event ID"]): r for r in csv.DictReader(fh, delimiter="\t")}
    table = goldstein_table("icews")
    for row in frame.itertuples():
        source = raw[row.event_id]
        assert row.goldstein == float(source["Intensity"]) == table[source["CAMEO Code"]]
        assert row.quad_class == quad_of(source["CAMEO Code"], "icews")
        assert _value(row.source_url) == source["Story ID"]


def test_gdelt2_file_with_a_header_line(tmp_path: Path) -> None:
    header = "\t".join(LAYOUTS["gdelt2_61"].columns).encode()
    path = tmp_path / "with_header.export.CSV"
    path.write_bytes(header + b"\n" + V2.read_bytes())
    assert detect_layout(path) == (LAYOUTS["gdelt2_61"], True)
    frame = read_events(path, "gdelt2")
    assert len(frame) == 400 and frame.attrs["report"].rows_skipped == 0


def test_icews_duplicate_event_ids_are_removed_by_the_event_id_rule(tmp_path: Path) -> None:
    import duckdb

    from suasion.events.dedup import dedup_sql

    lines = ICEWS.read_bytes().split(b"\n")
    fields = lines[5].split(b"\t")
    fields[1] = b"2018-06-02"  # same Event ID, another date, as in the ICEWS releases (andybega/icews #57)
    path = tmp_path / "dup.tab"
    path.write_bytes(b"\n".join(lines[:11] + [b"\t".join(fields)]) + b"\n")
    frame = read_events(path, "icews")
    assert len(frame) == 11
    con = duckdb.connect()
    con.register("ev", frame)
    assert con.sql(f"SELECT count(*) FROM ({dedup_sql('ev', 'event-id')})").fetchall()[0][0] == 10
