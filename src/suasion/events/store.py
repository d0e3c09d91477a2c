"""The event store: Parquet files partitioned by dataset and month, plus a ledger of ingested files.

Layout of a store directory::

    ledger.json                              one entry per ingested file: SHA-256 of its content, rows per layout, skipped
                                             rows, de-duplication applied and removed, Parquet files written
    events/<dataset>/<YYYY-MM>/<tag>_<i>.parquet   canonical columns (see suasion.events.readers)
    .staging/                                work area of a running ingest (removed at the end)

Guarantees: ingesting a file whose content is in the ledger adds nothing (idempotence). The content is the
decompressed event text, so the same export as ``.zip``, ``.gz`` or plain text is one entry; an ingest is
all-or-nothing: every file is first written to ``.staging``, and only when all files have been read without a
fatal error are the Parquet files moved into ``events/`` and the ledger replaced (atomic rename). A failed or
interrupted ingest leaves the store as it was. One writer at a time (a lock file guards it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from suasion.events.dedup import dedup_sql, duplicates_sql, parse_rules
from suasion.events.errors import EventFormatError, EventStoreError
from suasion.events.readers import (
    STREAM_BATCH_ROWS,
    FileReport,
    detect_layout,
    open_content,
    register_reference_tables,
    stage_file,
    staged_files,
    uncompressed_size,
    write_partitioned,
)

#: DuckDB's memory cap during an ingest (it streams the CSV and spills to the staging area beyond this)
INGEST_MEMORY_LIMIT = "256MB"
ProgressCallback = Callable[[str, float, float], None]  # (file name, fraction done, seconds elapsed)


def default_store_path() -> Path:
    from suasion.config import data_home

    return data_home() / "events"


def content_sha256(path: Path) -> str:
    """SHA-256 of a file's event text: the decompressed bytes of a .gz or of a .zip's single member."""
    digest = hashlib.sha256()
    with open_content(path) as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


file_sha256 = content_sha256  # the older name


class EventStore:
    """A directory holding ingested events (see module docstring)."""

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root is not None else default_store_path()

    # ------------------------------------------------------------------------------------------ ledger
    @property
    def ledger_path(self) -> Path:
        return self.root / "ledger.json"

    def ledger(self) -> list[dict[str, Any]]:
        if not self.ledger_path.exists():
            return []
        with open(self.ledger_path, encoding="utf-8") as fh:
            return json.load(fh)["files"]

    def _write_ledger(self, entries: list[dict[str, Any]]) -> None:
        tmp = self.ledger_path.with_suffix(f".{uuid.uuid4().hex}.tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"version": 1, "files": entries}, fh, indent=1)
        os.replace(tmp, self.ledger_path)

    def parquet_files(self, dataset: str | None = None) -> list[Path]:
        return sorted((self.root / "events").glob(f"{dataset or '*'}/*/*.parquet"))

    def parquet_glob(self, dataset: str | None = None) -> str:
        return str(self.root / "events" / (dataset or "*") / "*" / "*.parquet")

    def datasets(self) -> list[str]:
        return sorted(
            p.name for p in (self.root / "events").glob("*") if p.is_dir() and any(p.rglob("*.parquet"))
        )

    def require_data(self) -> None:
        if not self.parquet_files():
            raise EventStoreError(
                f"event store {self.root} holds no events; run 'suasion events ingest FILES' "
                "first (or pass --store)"
            )

    # ------------------------------------------------------------------------------------------ locking
    @contextmanager
    def _exclusive_workdir(self, prefix: str = "") -> Iterator[Path]:
        """Hold the store's write lock and a fresh work directory under ``.staging``; both go on exit.

        A store folder created here is removed again if the work fails before writing a ledger (a failed
        first ingest leaves nothing behind)."""
        if self.root.exists() and not self.root.is_dir():
            raise EventStoreError(f"event store {self.root} is a file, not a folder; give --store a folder")
        created = [p for p in (self.root, *self.root.parents) if not p.exists()]
        self.root.mkdir(parents=True, exist_ok=True)
        lock = self.root / ".lock"
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            raise EventStoreError(
                f"event store {self.root} is being written by another process "
                f"(remove {lock} if no ingest is running)"
            ) from None
        os.close(fd)
        work = self.root / ".staging" / f"{prefix}{uuid.uuid4().hex}"
        try:
            work.mkdir(parents=True)
            yield work
        finally:
            shutil.rmtree(work, ignore_errors=True)
            try:
                (self.root / ".staging").rmdir()
            except OSError:
                pass
            lock.unlink(missing_ok=True)
            if created and not self.ledger_path.exists():
                shutil.rmtree(created[-1], ignore_errors=True)

    # ------------------------------------------------------------------------------------------ compaction
    def compact(self) -> list[dict[str, Any]]:
        """Merge each month's Parquet files into one (GDELT 2.0 adds files every 15 minutes).

        Streams the rows (bounded memory); each month folder is rebuilt beside the store and swapped in by
        rename, and the ledger's file lists are updated. Returns one record per compacted month.
        """
        import pyarrow.dataset as pads
        import pyarrow.parquet as pq

        done: list[dict[str, Any]] = []
        with self._exclusive_workdir("compact-") as work:
            ledger = self.ledger()
            renamed: dict[str, str] = {}
            for folder in sorted(p for p in (self.root / "events").glob("*/*") if p.is_dir()):
                files = sorted(folder.glob("*.parquet"))
                if len(files) < 2:
                    continue
                dataset = pads.dataset([str(f) for f in files], format="parquet")
                target_dir = work / folder.parent.name / folder.name
                target_dir.mkdir(parents=True)
                name = f"c{uuid.uuid4().hex[:10]}_0.parquet"
                rows = 0
                with pq.ParquetWriter(target_dir / name, dataset.schema, compression="snappy") as writer:
                    for batch in dataset.to_batches(batch_size=128_000):
                        rows += batch.num_rows
                        writer.write_batch(batch)
                old = folder.with_name(f".{folder.name}.old")
                os.replace(folder, old)
                os.replace(target_dir, folder)
                shutil.rmtree(old)
                new_rel = str((folder / name).relative_to(self.root))
                for f in files:
                    renamed[str(f.relative_to(self.root))] = new_rel
                done.append(
                    {
                        "dataset": folder.parent.name,
                        "month": folder.name,
                        "files_before": len(files),
                        "files_after": 1,
                        "rows": rows,
                    }
                )
            if renamed:
                for entry in ledger:
                    entry["files"] = sorted({renamed.get(f, f) for f in entry.get("files", [])})
                self._write_ledger(ledger)
        return done

    # ------------------------------------------------------------------------------------------ ingest
    def ingest(
        self,
        files: Iterable[str | Path],
        fmt: str | None = None,
        on_error: str = "skip",
        dedup: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[FileReport]:
        """Ingest files all-or-nothing; returns one report per file (status ``ingested`` or ``already ingested``).

        ``dedup`` names de-duplication rules (comma-separated) applied within each file before writing; each
        rule's removals are reported. Cross-file duplicates are removed at query time (``dedup=`` of queries).
        """
        import duckdb

        rules = parse_rules(dedup)
        files = [Path(f) for f in files]
        for path in files:  # a missing file or a wrong --input-format fails before anything is created
            detect_layout(path, fmt)
        reports: list[FileReport] = []
        with self._exclusive_workdir() as staging:
            ledger = self.ledger()
            known = {e["sha256"]: e for e in ledger}
            sizes = {e.get("content_size", e.get("size")) for e in ledger}
            con = duckdb.connect()
            con.execute("SET preserve_insertion_order = false")
            # bounded memory whatever the file size: DuckDB streams the CSV and spills to the staging area
            con.execute(f"SET memory_limit = '{INGEST_MEMORY_LIMIT}'")
            con.execute(f"SET temp_directory = '{staging / 'spill'}'")
            register_reference_tables(con)
            new_entries: list[dict[str, Any]] = []
            seen_now: set[str] = set()
            for index, path in enumerate(files):
                started = time.perf_counter()
                detect_layout(path, fmt)  # wrong --format or unreadable file: fail before anything else
                size = path.stat().st_size
                content_size = uncompressed_size(path)
                digest = content_sha256(path) if content_size in sizes else None
                if digest is not None and (digest in known or digest in seen_now):
                    reports.append(
                        FileReport(
                            path=str(path),
                            format=known.get(digest, {}).get("format", fmt or ""),
                            status="already ingested",
                            sha256=digest,
                        )
                    )
                    continue
                hasher = _BackgroundHash(path) if digest is None else None
                tag = f"{uuid.uuid4().hex[:10]}{index}"
                out = staging / tag
                report = _with_progress(
                    con,
                    path.name,
                    progress,
                    lambda path=path, out=out, tag=tag: stage_file(
                        con, path, fmt, on_error, out, tag, staging
                    ),
                )
                digest = digest or hasher.result()  # type: ignore[union-attr]
                report.sha256 = digest
                if digest in known or digest in seen_now:
                    shutil.rmtree(out, ignore_errors=True)
                    reports.append(
                        FileReport(
                            path=str(path), format=report.format, status="already ingested", sha256=digest
                        )
                    )
                    continue
                if rules:
                    out = _apply_dedup(con, out, staging / f"{tag}_dedup", tag, rules, report)
                report.seconds = time.perf_counter() - started
                seen_now.add(digest)
                reports.append(report)
                new_entries.append(
                    {"sha256": digest, "out": str(out), "size": size, "content_size": content_size, "report": report}
                )
            con.close()
            # commit: move the staged Parquet files into place, then swap the ledger
            for entry in new_entries:
                moved = []
                for part in staged_files(Path(entry["out"])):
                    dataset, month = _partition_of(part)
                    target = self.root / "events" / dataset / month / part.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(part, target)
                    moved.append(str(target.relative_to(self.root)))
                report = entry["report"]
                ledger.append(
                    {
                        "sha256": entry["sha256"],
                        "name": Path(report.path).name,
                        "path": str(Path(report.path)),
                        "size": entry["size"],
                        "content_size": entry["content_size"],
                        "format": report.format,
                        "layouts": report.layouts,
                        "rows_written": report.rows_written,
                        "rows_skipped": report.rows_skipped,
                        "rows_recoded": report.rows_recoded,
                        "dedup": rules,
                        "dedup_removed": report.dedup_removed,
                        "problems": [asdict(p) for p in report.problems[:20]],
                        "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
                        "files": moved,
                    }
                )
            if new_entries:
                self._write_ledger(ledger)
        return reports


def _partition_of(part: Path) -> tuple[str, str]:
    """(dataset, month) from a DuckDB hive path ``.../dataset=gdelt2/month=2017-07/x.parquet``."""
    values = {}
    for piece in part.parts:
        if "=" in piece:
            key, _, value = piece.partition("=")
            values[key] = value
    month = values.get("month", "unknown")
    return values.get("dataset", "unknown"), month if month and month != "NULL" else "unknown"


def _apply_dedup(con: Any, staged: Path, out: Path, tag: str, rules: list[str], report: FileReport) -> Path:
    """Apply de-duplication rules in order to one file's staged rows; record removals per rule."""
    files = staged_files(staged)
    if not files:
        return staged
    relation = "read_parquet([" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "])"
    chain = relation
    for rule in rules:
        # a cheap count first: most files have nothing to remove (GDELT ids are unique within a file), and
        # then the rule's window (a sort of the whole file) is not run
        removed = con.execute(duplicates_sql(chain, rule)).fetchall()[0][0]
        report.dedup_removed[rule] = int(removed)
        if removed:
            chain = f"({dedup_sql(chain, rule)})"
    if chain == relation:
        return staged
    write_partitioned(con.sql(f"SELECT * FROM {chain}").to_arrow_reader(STREAM_BATCH_ROWS), out, f"{tag}d")
    shutil.rmtree(staged, ignore_errors=True)
    report.rows_written -= sum(report.dedup_removed.values())
    return out


class _BackgroundHash:
    """Content SHA-256 of a file computed in a thread while DuckDB reads it (hashlib and zlib release the GIL)."""

    def __init__(self, path: Path):
        self._path = path
        self._value: str | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(path,), daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            self._value = content_sha256(path)
        except BaseException as exc:  # noqa: BLE001 - re-raised in result()
            self._error = exc

    def result(self) -> str:
        self._thread.join()
        if self._error is not None:
            raise EventFormatError(str(self._path), f"cannot read (truncated or corrupt file: {self._error})")
        assert self._value is not None
        return self._value


def _with_progress(
    con: Any, name: str, progress: ProgressCallback | None, work: Callable[[], FileReport]
) -> FileReport:
    """Run ``work`` (which runs DuckDB queries on ``con``) while polling DuckDB's query progress."""
    if progress is None:
        return work()
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = work()
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            box["error"] = exc

    started = time.perf_counter()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(0.2)
        try:
            pct = float(con.query_progress())
        except Exception:  # noqa: BLE001 - progress is best effort
            pct = -1.0
        if pct >= 0:
            progress(name, min(pct / 100.0, 1.0), time.perf_counter() - started)
    if "error" in box:
        raise box["error"]
    progress(name, 1.0, time.perf_counter() - started)
    return box["result"]
