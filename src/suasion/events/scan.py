"""The fast path: raw event files (one or many; plain, .gz or GDELT .zip) as one DuckDB relation, no store.

:class:`RawScan` detects each file's layout (and checks it against ``--input-format``), then exposes all files
as one relation with the canonical query columns (:data:`suasion.events.sql.QUERY_COLUMNS`), read by DuckDB's
parallel CSV reader with the layout's explicit schema. DuckDB reads only the columns a query uses, so a dyad
index parses about a tenth of each row. Rows are validated exactly as in an ingest: a row whose typed field
does not cast, whose required field is empty, or whose field count fits no layout of the format is rejected
with its file and line (``on_error="skip"`` counts it, ``"fail"`` raises); rows in the other GDELT 1.0 layout
and rows with non-UTF-8 bytes are salvaged as the ingest does, so the fast path and the stored path count the
same rows (tested).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from suasion.events.errors import EventFormatError, EventQueryError, EventStoreError
from suasion.events.layouts import FORMATS, LAYOUTS, Layout
from suasion.events.readers import (
    MAX_PROBLEMS_KEPT,
    Problem,
    _check_fields,
    _salvage_layout,
    _typed_view_sql,
    canonical_select,
    detect_layout,
    materialise,
    read_csv_sql,
    register_reference_tables,
)
from suasion.events.sql import QUERY_COLUMNS

#: DuckDB memory cap of a raw scan: the dyad aggregate is small, the CSV reader streams
SCAN_MEMORY_LIMIT = "512MB"


@dataclass
class ScanProblems:
    """Rows rejected by a raw scan, per file."""

    rejected: dict[str, int] = field(default_factory=dict)  # file -> malformed rows skipped
    first: list[tuple[str, Problem]] = field(default_factory=list)  # (file, problem), at most MAX_PROBLEMS_KEPT

    @property
    def total(self) -> int:
        return sum(self.rejected.values())


class RawScan:
    """Raw event files as one DuckDB relation (use as a context manager; zips are extracted to a temp dir).

    ``relation`` is a parenthesised SELECT with the columns ``dataset`` + :data:`QUERY_COLUMNS`. Run queries
    with :meth:`run`, which also checks the rows the CSV reader rejected.
    """

    def __init__(self, files: list[str | Path], input_format: str | None = None, on_error: str = "skip"):
        if on_error not in ("skip", "fail"):
            raise EventQueryError(f"on_error must be 'skip' or 'fail', not {on_error!r}")
        if not files:
            raise EventStoreError("no event files given")
        self.files = [Path(f) for f in files]
        self.input_format = input_format
        self.on_error = on_error
        self.problems = ScanProblems()
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.con: Any = None

    # ------------------------------------------------------------------------------------------ set-up
    def __enter__(self) -> RawScan:  # noqa: PYI034 - not subclassed
        import duckdb

        detected = [(path, *detect_layout(path, self.input_format)) for path in self.files]
        datasets = sorted({layout.dataset for _, layout, _ in detected})
        if len(datasets) > 1:
            raise EventStoreError(
                f"the files hold several datasets ({', '.join(datasets)}); their Goldstein and QuadClass "
                "schemes differ, so give the files of one dataset"
            )
        self.dataset = datasets[0]
        self._tmp = tempfile.TemporaryDirectory(prefix="suasion-scan-")
        work = Path(self._tmp.name)
        self.con = duckdb.connect()
        self.con.execute(f"SET memory_limit = '{SCAN_MEMORY_LIMIT}'")
        self.con.execute(f"SET temp_directory = '{work / 'spill'}'")
        register_reference_tables(self.con)
        # one scan per (layout, header): DuckDB reads the files of a group in one parallel scan
        self.groups: dict[tuple[str, bool], list[tuple[Path, Path]]] = {}
        for path, layout, header in detected:
            readable = materialise(path, work)
            self.groups.setdefault((layout.name, header), []).append((path, readable))
        self._salvaged: list[str] = []
        return self

    def __exit__(self, *exc: object) -> None:
        if self.con is not None:
            self.con.close()
        if self._tmp is not None:
            self._tmp.cleanup()

    def _rejects(self, index: int) -> str:
        return f"_scan_rej{index}"

    @property
    def relation(self) -> str:
        parts = []
        for index, ((name, header), paths) in enumerate(self.groups.items()):
            layout = LAYOUTS[name]
            csv = read_csv_sql([p for _, p in paths], layout, header, self._rejects(index))
            parts.append(canonical_select(layout, csv, ""))
        parts += self._salvaged
        columns = ", ".join(("dataset", *QUERY_COLUMNS))
        union = " UNION ALL ".join(f"SELECT {columns} FROM ({p})" for p in parts)
        return f"({union})"

    # ------------------------------------------------------------------------------------------ queries
    def run(self, build: Callable[[str], str]) -> Any:
        """Run the SQL ``build(relation)`` and return a pandas DataFrame.

        Rejected rows are examined after the scan; if some can be salvaged (the other GDELT 1.0 layout,
        non-UTF-8 bytes), they join the relation and the query runs again, so the result counts every row
        an ingest would keep.
        """
        import duckdb

        try:
            frame = self.con.sql(build(self.relation)).df()
        except duckdb.Error as exc:
            raise EventFormatError(self._which_file(str(exc)), f"cannot read: {str(exc).splitlines()[0]}") from None
        if self._collect_rejects():
            frame = self.con.sql(build(self.relation)).df()
        return frame

    def _which_file(self, message: str) -> str:
        for paths in self.groups.values():
            for original, readable in paths:
                if str(readable) in message or str(original) in message:
                    return str(original)
        return ", ".join(str(f) for f in self.files)

    def _collect_rejects(self) -> bool:
        """Sort the rejected rows into malformed (reported) and salvageable; True if some were salvaged."""
        import duckdb
        import pyarrow as pa

        salvaged: dict[tuple[str, str], list[list[str]]] = {}
        for index, ((name, _), paths) in enumerate(self.groups.items()):
            layout = LAYOUTS[name]
            rejects = self._rejects(index)
            try:
                rows = self.con.sql(f"""
                    SELECT file_id, line, any_value(csv_line ORDER BY column_idx),
                           string_agg(DISTINCT error_type, ','),
                           any_value(coalesce(column_name, '') || '|' || error_message ORDER BY column_idx)
                    FROM {rejects}_errors GROUP BY file_id, line ORDER BY file_id, line""").fetchall()
            except duckdb.CatalogException:  # no rejects table: nothing was rejected
                continue
            finally:
                self.con.sql(f"DROP TABLE IF EXISTS {rejects}_errors")
                self.con.sql(f"DROP TABLE IF EXISTS {rejects}_scans")
            for file_id, line, text, kinds, message in rows:
                original = str(paths[int(file_id)][0])
                fields = (text or "").lstrip("\r\n").rstrip("\r\n").split("\t")
                alt = _salvage_layout(fields, layout)
                problem = _check_fields(fields, alt) if alt is not None else self._no_layout(fields, layout)
                if alt is not None and problem is None and ("ENCODING" in (kinds or "") or alt is not layout):
                    salvaged.setdefault((original, alt.name), []).append(fields)
                    continue
                if problem is None:
                    column, _, msg = (message or "|").partition("|")
                    problem = msg.strip() or (f"column {column!r} is empty" if column else "malformed row")
                if self.on_error == "fail":
                    raise EventFormatError(original, f"malformed row: {problem}", line=int(line))
                self.problems.rejected[original] = self.problems.rejected.get(original, 0) + 1
                if len(self.problems.first) < MAX_PROBLEMS_KEPT:
                    self.problems.first.append((original, Problem(int(line), problem)))
        for index, ((original, name), rows) in enumerate(salvaged.items()):
            alt: Layout = LAYOUTS[name]
            table = f"_salvaged{len(self._salvaged) + index}"
            self.con.register(table, pa.table({c: [r[i] for r in rows] for i, c in enumerate(alt.columns)}))
            self._salvaged.append(canonical_select(alt, f"({_typed_view_sql(alt, table)})", original))
        return bool(salvaged)

    @staticmethod
    def _no_layout(fields: list[str], layout: Layout) -> str:
        fmt = next(f for f, names in FORMATS.items() if layout.name in names)
        expected = ", ".join(str(LAYOUTS[n].n_fields) for n in FORMATS[fmt])
        return f"{len(fields)} fields, matching no {fmt} layout ({expected} expected)"
