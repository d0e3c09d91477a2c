"""Store: idempotent ingest with a ledger, all-or-nothing, de-duplication rules with reported removals."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from suasion.events.api import ingest_events
from suasion.events.dedup import DEDUP_RULES, dedup_sql, parse_rules
from suasion.events.errors import EventFormatError
from suasion.events.readers import read_events
from suasion.events.store import EventStore

from .helpers import A1CC, A2CC, EVENTCODE, FIXTURES, SQLDATE, raw_rows

V2 = FIXTURES / "gdelt2_20170701234500_head400.export.CSV"
V1_57 = FIXTURES / "gdelt1_backfile_57.tsv"
ICEWS = FIXTURES / "icews_2018_head300.tab"


def _count(store: EventStore) -> int:
    return duckdb.sql(f"SELECT count(*) FROM read_parquet('{store.parquet_glob()}')").fetchall()[0][0]


def _snapshot(store: EventStore) -> tuple:
    ledger = store.ledger_path.read_bytes() if store.ledger_path.exists() else b""
    return ledger, tuple(store.parquet_files())


def test_ingest_is_idempotent(tmp_path: Path) -> None:
    store = EventStore(tmp_path / "s")
    first = ingest_events([V2, V1_57], store=store)
    assert list(first["status"]) == ["ingested", "ingested"]
    assert _count(store) == 460
    again = ingest_events([V1_57, V2], store=store)
    assert list(again["status"]) == ["already ingested"] * 2
    assert _count(store) == 460
    copy = tmp_path / "same-bytes-other-name.CSV"
    copy.write_bytes(V2.read_bytes())
    assert list(ingest_events([copy], store=store)["status"]) == ["already ingested"]
    assert len(store.ledger()) == 2
    assert {e["sha256"] for e in store.ledger()} == set(first["sha256"])


def test_the_same_content_in_another_compression_adds_nothing(tmp_path: Path) -> None:
    import gzip
    import zipfile

    store = EventStore(tmp_path / "s")
    zipped = tmp_path / "20170701234500.export.CSV.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(V2, "20170701234500.export.CSV")
    gz = tmp_path / "20170701234500.export.CSV.gz"
    gz.write_bytes(gzip.compress(V2.read_bytes()))
    assert list(ingest_events([zipped], store=store)["status"]) == ["ingested"]
    assert list(ingest_events([gz, V2], store=store)["status"]) == ["already ingested"] * 2
    assert _count(store) == 400 and len(store.ledger()) == 1
    # a different export holding some of the same events: the default (event-id) counts each event once
    from suasion.events.api import dyad_index

    first_half = tmp_path / "half.export.CSV"
    first_half.write_bytes(b"\n".join(V2.read_bytes().split(b"\n")[:200]) + b"\n")
    assert list(ingest_events([first_half], store=store)["status"]) == ["ingested"]
    assert _count(store) == 600
    once = dyad_index(store=store, freq="year")
    assert once.equals(dyad_index(files=[V2], freq="year", dedup="none"))
    twice = dyad_index(store=store, freq="year", dedup="none")
    assert twice["events"].sum() > once["events"].sum()


def test_same_file_twice_in_one_command_counts_once(tmp_path: Path) -> None:
    store = EventStore(tmp_path / "s")
    report = ingest_events([V2, V2], store=store)
    assert list(report["status"]) == ["ingested", "already ingested"]
    assert _count(store) == 400


def test_partitions_by_dataset_and_month(tmp_path: Path) -> None:
    store = EventStore(tmp_path / "s")
    ingest_events([V2, ICEWS], store=store)
    assert store.datasets() == ["gdelt2", "icews"]
    for part in store.parquet_files():
        dataset, month = part.parent.parent.name, part.parent.name
        got = duckdb.sql(f"SELECT DISTINCT dataset, month FROM read_parquet('{part}')").fetchall()
        assert got == [(dataset, month)]


def test_failed_ingest_leaves_the_store_unchanged(tmp_path: Path) -> None:
    store = EventStore(tmp_path / "s")
    ingest_events([V1_57], store=store)
    before = _snapshot(store)
    lines = V2.read_bytes().split(b"\n")
    lines[5] = b"\t".join(lines[5].split(b"\t")[:12])
    bad = tmp_path / "bad.export.CSV"
    bad.write_bytes(b"\n".join(lines))
    # a good file first, then a bad one: with --on-error fail nothing of either is written
    with pytest.raises(EventFormatError, match="line 6"):
        ingest_events([V2, bad], store=store, format="gdelt2", on_error="fail")
    assert _snapshot(store) == before
    with pytest.raises(EventFormatError, match="looks like gdelt1"):
        ingest_events([V2, V1_57], store=store, format="gdelt2")
    assert _snapshot(store) == before
    assert not (store.root / ".staging").exists() and not (store.root / ".lock").exists()
    # with skip, the bad row is counted and skipped
    report = ingest_events([bad], store=store, format="gdelt2", on_error="skip")
    assert report.loc[0, "rows_skipped"] == 1 and report.loc[0, "rows_written"] == len(lines) - 2
    assert "line 6" in report.loc[0, "first_problem"]


def _independent_dedup(rows: list[list[str]], key: tuple[int, ...]) -> int:
    seen, kept = set(), 0
    for r in rows:
        values = tuple(r[i] for i in key)
        if any(v == "" for v in values):
            kept += 1
        elif values not in seen:
            seen.add(values)
            kept += 1
    return kept


def test_dedup_rules_match_an_independent_count(tmp_path: Path) -> None:
    rows = raw_rows(V2)
    rules = {
        "url": (60,),
        "url-date": (SQLDATE, 60),
        "one-a-day": (SQLDATE, A1CC, A2CC, EVENTCODE),
        "day-dyad-code-url": (SQLDATE, A1CC, A2CC, EVENTCODE, 60),
    }
    store = EventStore(tmp_path / "s")
    report = ingest_events([V2], store=store, dedup="url-date,one-a-day")
    removed = dict(item.split(": ") for item in report.loc[0, "dedup_removed"].split(", "))
    after_first = _independent_dedup(rows, rules["url-date"])
    assert int(removed["url-date"]) == len(rows) - after_first
    assert _count(store) == report.loc[0, "rows_written"]
    frame = read_events(V2, "gdelt2")
    con = duckdb.connect()
    con.register("ev", frame)
    for rule, key in rules.items():
        got = con.sql(f"SELECT count(*) FROM ({dedup_sql('ev', rule)})").fetchall()[0][0]
        assert got == _independent_dedup(rows, key), rule


def test_reference_dedup_effect_on_the_real_export(shared_data: Path) -> None:
    """Reference §12: 1,210 international rows fall to 679 under day + countries + code + URL."""
    path = shared_data / "events" / "gdelt_v2" / "gdelt2_events_20170701234500_reconstructed.export.tsv.gz"
    rows = [r for r in raw_rows(path) if r[A1CC] and r[A2CC] and r[A1CC] != r[A2CC]]
    assert len(rows) == 1210
    frame = read_events(path, "gdelt2")
    con = duckdb.connect()
    con.register(
        "ev",
        frame[
            frame.actor1_country.notna()
            & frame.actor2_country.notna()
            & (frame.actor1_country != frame.actor2_country)
        ],
    )
    assert con.sql(f"SELECT count(*) FROM ({dedup_sql('ev', 'day-dyad-code-url')})").fetchall()[0][0] == 679
    assert con.sql(f"SELECT count(*) FROM ({dedup_sql('ev', 'day-actors-code-url')})").fetchall()[0][0] == 753


def test_parse_rules() -> None:
    assert parse_rules("none") == [] and parse_rules(None) == []
    assert parse_rules("url, one-a-day") == ["url", "one-a-day"]
    with pytest.raises(ValueError, match="unknown de-duplication rule 'bogus'"):
        parse_rules("url,bogus")
    assert set(DEDUP_RULES) >= {"none", "url", "one-a-day", "day-dyad-code-url"}


def test_compact_merges_month_files_without_changing_results(tmp_path: Path) -> None:
    from suasion.events.api import dyad_events

    store = EventStore(tmp_path / "s")
    lines = V2.read_bytes().split(b"\n")
    parts = []
    for i in range(3):  # three ingests touching the same months, as 15-minute GDELT files do
        part = tmp_path / f"part{i}.export.CSV"
        part.write_bytes(b"\n".join(lines[i * 130 : (i + 1) * 130]) + b"\n")
        parts.append(part)
    ingest_events(parts, store=store)
    before_files = store.parquet_files()
    before = dyad_events("PAK", "AFG", freq="month", store=store)
    months = {p.parent for p in before_files}
    assert len(before_files) > len(months)
    done = store.compact()
    after_files = store.parquet_files()
    assert len(after_files) == len(months)
    assert _count(store) == 390
    merged = {(d["dataset"], d["month"]): d for d in done}
    for folder in months:
        n_before = sum(1 for f in before_files if f.parent == folder)
        assert (n_before > 1) == ((folder.parent.name, folder.name) in merged)
    pd_after = dyad_events("PAK", "AFG", freq="month", store=store)
    assert before.equals(pd_after)
    listed = {f for e in store.ledger() for f in e["files"]}
    assert listed == {str(p.relative_to(store.root)) for p in after_files}
    assert store.compact() == []  # idempotent


def test_partitioned_writer_bounds_buffered_rows_across_months(tmp_path: Path, monkeypatch) -> None:
    """Rows held across month buffers never exceed the cap, however many months; every row lands once."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from suasion.events import readers

    monkeypatch.setattr(readers, "ROW_GROUP_ROWS", 4)
    monkeypatch.setattr(readers, "MAX_BUFFERED_ROWS", 6)
    months = [f"2017-{m:02d}" for m in range(1, 13)]
    batches = [  # one row per month in every batch: no month fills a row group before batch 4
        pa.record_batch(
            {
                "dataset": ["gdelt2"] * 12,
                "month": [months[(b + i) % 12] for i in range(12)],
                "event_id": list(range(b * 12, b * 12 + 12)),
            }
        )
        for b in range(7)
    ]
    seen = {"received": 0, "written": 0}
    held_between_batches: list[int] = []
    split, write = readers._split_by, pq.ParquetWriter.write_table

    def split_spy(table, column):
        if column == "dataset":  # called once per batch, before its rows are buffered
            held_between_batches.append(seen["received"] - seen["written"])
            seen["received"] += table.num_rows
        return split(table, column)

    def write_spy(self, table, *args, **kwargs):
        seen["written"] += table.num_rows
        return write(self, table, *args, **kwargs)

    monkeypatch.setattr(readers, "_split_by", split_spy)
    monkeypatch.setattr(pq.ParquetWriter, "write_table", write_spy)
    assert readers.write_partitioned(iter(batches), tmp_path / "out", "t") == 84
    assert max(held_between_batches) <= 6  # without the cap: 36 rows held before batch 4
    rows = []
    for f in (tmp_path / "out").rglob("*.parquet"):
        table = pq.read_table(f, partitioning=None)
        assert set(table.column("month").to_pylist()) == {f.parent.name.split("=")[1]}
        rows += table.column("event_id").to_pylist()
    assert sorted(rows) == list(range(84))
