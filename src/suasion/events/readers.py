"""Reading GDELT 1.0/2.0 and ICEWS event files into the canonical event schema, row-validated.

Fast path: DuckDB's parallel CSV reader with an explicit schema per layout (codes stay VARCHAR, so ``010``
keeps its zero); numeric, date and required fields are typed, so a bad value makes DuckDB reject the row and
record its file line. Rejected lines are then examined one by one (slow path, only for them): a row in the other
GDELT 1.0 layout (57 vs 58 fields) or with non-UTF-8 bytes (each bad byte replaced by ``?``) is kept, anything else is a
malformed row, reported with file, line and reason, then skipped (``on_error="skip"``) or fatal
(``on_error="fail"``). Nothing is held in memory: rows stream from the CSV reader into Parquet files.

Canonical columns (one table for all sources; ``dataset`` says which Goldstein/QuadClass scheme applies):
``dataset, layout, event_id, day, month, actor{1,2}_code, actor{1,2}_name, actor{1,2}_country,
actor{1,2}_iso3, actor{1,2}_types, is_root, event_code, event_base_code, event_root_code, quad_class,
goldstein, num_mentions, num_sources, num_articles, avg_tone, action_country, date_added, source_url,
source_file``. For ICEWS, actor codes are the actor names, ``*_country`` the country names, ``*_types`` the
sectors, ``source_url`` the Story ID, and ``quad_class`` follows the ``icews`` scheme.
"""

from __future__ import annotations

import gzip
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from suasion.events.errors import EventFormatError, EventQueryError
from suasion.events.layouts import (
    FORMATS,
    LAYOUTS,
    NULL_STRINGS,
    QUAD_CODES,
    Layout,
    Sniffed,
    format_of_layout,
    sniff_line,
)

CANONICAL_COLUMNS: tuple[str, ...] = (
    "dataset",
    "layout",
    "event_id",
    "day",
    "month",
    "actor1_code",
    "actor1_name",
    "actor1_country",
    "actor1_iso3",
    "actor1_types",
    "actor2_code",
    "actor2_name",
    "actor2_country",
    "actor2_iso3",
    "actor2_types",
    "is_root",
    "event_code",
    "event_base_code",
    "event_root_code",
    "quad_class",
    "goldstein",
    "num_mentions",
    "num_sources",
    "num_articles",
    "avg_tone",
    "action_country",
    "date_added",
    "source_url",
    "source_file",
)

MAX_PROBLEMS_KEPT = 200
#: longest line the CSV reader accepts (DuckDB sizes its read buffers from it: 16 x this per buffer)
MAX_LINE_BYTES = 1 << 20


@dataclass
class Problem:
    """One malformed row: file line (1-based) and reason."""

    line: int
    reason: str


@dataclass
class FileReport:
    """What happened to one input file."""

    path: str
    format: str
    layouts: dict[str, int] = field(default_factory=dict)  # rows kept per physical layout
    rows_written: int = 0
    rows_skipped: int = 0  # malformed rows skipped
    rows_recoded: int = 0  # rows kept whose non-UTF-8 bytes were replaced by '?'
    problems: list[Problem] = field(default_factory=list)  # the first MAX_PROBLEMS_KEPT malformed rows
    dedup_removed: dict[str, int] = field(default_factory=dict)
    status: str = "ingested"
    sha256: str = ""
    seconds: float = 0.0

    @property
    def rows_read(self) -> int:
        return self.rows_written + self.rows_skipped + sum(self.dedup_removed.values())


# ---------------------------------------------------------------------------------------------- opening files


def _is_zip(path: Path) -> bool:
    return path.suffix.lower() == ".zip"


def _is_gzip(path: Path) -> bool:
    return path.suffix.lower() == ".gz"


def _zip_member(path: Path) -> zipfile.ZipInfo:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise EventFormatError(
            str(path), f"not a readable zip archive (truncated or corrupt: {exc})"
        ) from None
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) != 1:
        raise EventFormatError(
            str(path),
            f"zip archive holds {len(members)} files; expected exactly one "
            "events file, as GDELT distributes them",
        )
    return members[0]


def first_line(path: str | Path) -> bytes:
    """The first line of a plain, gzipped or zipped file (at most 1 MB)."""
    path = Path(path)
    if not path.exists():
        raise EventFormatError(str(path), "no such file")
    try:
        if _is_zip(path):
            member = _zip_member(path)
            with zipfile.ZipFile(path).open(member) as fh:
                return fh.readline(1 << 20)
        opener: Callable[..., Any] = gzip.open if _is_gzip(path) else open
        with opener(path, "rb") as fh:
            return fh.readline(1 << 20)
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise EventFormatError(str(path), f"cannot read (truncated or corrupt file: {exc})") from None


def open_content(path: str | Path) -> Any:
    """A binary file object over a file's event text: plain, gunzipped, or a GDELT .zip's single member."""
    path = Path(path)
    if _is_zip(path):
        member = _zip_member(path)
        return zipfile.ZipFile(path).open(member)
    if _is_gzip(path):
        return gzip.open(path, "rb")
    return open(path, "rb")


def uncompressed_size(path: str | Path) -> int:
    """Bytes of event text in a plain, gzipped (ISIZE trailer, modulo 4 GiB) or zipped file, for progress."""
    path = Path(path)
    if _is_zip(path):
        return _zip_member(path).file_size
    if _is_gzip(path):
        with open(path, "rb") as fh:
            fh.seek(-4, 2)
            return int.from_bytes(fh.read(4), "little") or path.stat().st_size
    return path.stat().st_size


def sniff_file(path: str | Path) -> Sniffed:
    """Which layout the file's first line looks like."""
    line = first_line(path)
    if not line:
        raise EventFormatError(str(path), "empty file: no event rows")
    return sniff_line(line)


def detect_layout(path: str | Path, fmt: str | None = None) -> tuple[Layout, bool]:
    """The file's primary layout and whether it has a header; checks it against ``fmt`` when given."""
    sniffed = sniff_file(path)
    if fmt is not None:
        if fmt not in FORMATS:
            raise EventFormatError(str(path), f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        if sniffed.layout not in FORMATS[fmt]:
            looks = (
                f"it looks like {format_of_layout(sniffed.layout)} (layout {sniffed.layout}: line 1 has "
                f"{sniffed.description})"
                if sniffed.layout
                else f"it looks like {sniffed.description}"
            )
            raise EventFormatError(str(path), f"--format {fmt} given, but {looks}", line=1)
    elif sniffed.layout is None:
        raise EventFormatError(
            str(path), f"not a known event layout: line 1 is {sniffed.description}", line=1
        )
    return LAYOUTS[sniffed.layout], sniffed.header


def materialise(path: Path, workdir: Path) -> Path:
    """A path DuckDB can read: plain and .gz files as they are, a GDELT .zip extracted to ``workdir``."""
    if not _is_zip(path):
        return path
    member = _zip_member(path)
    target = workdir / (path.stem + ".extracted")
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 22)
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise EventFormatError(str(path), f"truncated or corrupt zip archive: {exc}") from None
    return target


# ---------------------------------------------------------------------------------------------- SQL


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def read_csv_sql(path: Path | list[Path], layout: Layout, header: bool, rejects: str) -> str:
    """DuckDB ``read_csv`` call with the layout's explicit schema, storing rejected rows with their line.

    ``path`` may be a list of files of the same layout (read in one scan; ``{rejects}_scans`` maps each
    rejected row's ``file_id`` to its file)."""
    paths = path if isinstance(path, list) else [path]
    files = "[" + ", ".join(_lit(str(p)) for p in paths) + "]"
    columns = "{" + ", ".join(f"{_lit(c)}: {_lit(t)}" for c, t in layout.duckdb_columns().items()) + "}"
    force = "[" + ", ".join(_lit(c) for c in layout.required) + "]"
    nullstr = "[" + ", ".join(_lit(v) for v in NULL_STRINGS[layout.dataset]) + "]"
    return (
        f"read_csv({files}, delim='\\t', quote='', escape='', header={str(header).lower()}, "
        f"auto_detect=false, columns={columns}, dateformat={_lit(layout.date_format)}, "
        f"force_not_null={force}, nullstr={nullstr}, store_rejects=true, "
        f"rejects_table={_lit(rejects + '_errors')}, rejects_scan={_lit(rejects + '_scans')}, "
        f"max_line_size={MAX_LINE_BYTES})"
    )


def canonical_select(layout: Layout, relation: str, source_file: str) -> str:
    """SELECT turning a relation in ``layout`` into the canonical columns (ISO3 via shipped tables)."""
    f = _lit(source_file)
    if layout.dataset in ("gdelt1", "gdelt2"):
        url = 'r."SOURCEURL"' if "SOURCEURL" in layout.columns else "CAST(NULL AS VARCHAR)"

        def types(n: int) -> str:
            return (
                f'NULLIF(concat_ws(\',\', r."Actor{n}Type1Code", r."Actor{n}Type2Code", '
                f"r.\"Actor{n}Type3Code\"), '')"
            )

        return f"""
SELECT {_lit(layout.dataset)} AS dataset, {_lit(layout.name)} AS layout,
  r."GLOBALEVENTID" AS event_id, r."SQLDATE" AS day, strftime(r."SQLDATE", '%Y-%m') AS month,
  r."Actor1Code" AS actor1_code, r."Actor1Name" AS actor1_name, r."Actor1CountryCode" AS actor1_country,
  c1.iso3 AS actor1_iso3, {types(1)} AS actor1_types,
  r."Actor2Code" AS actor2_code, r."Actor2Name" AS actor2_name, r."Actor2CountryCode" AS actor2_country,
  c2.iso3 AS actor2_iso3, {types(2)} AS actor2_types,
  CAST(r."IsRootEvent" AS TINYINT) AS is_root, r."EventCode" AS event_code, r."EventBaseCode" AS event_base_code,
  lpad(CAST(r."EventRootCode" AS VARCHAR), 2, '0') AS event_root_code, CAST(r."QuadClass" AS TINYINT) AS quad_class,
  r."GoldsteinScale" AS goldstein, r."NumMentions" AS num_mentions, r."NumSources" AS num_sources,
  r."NumArticles" AS num_articles, r."AvgTone" AS avg_tone, r."ActionGeo_CountryCode" AS action_country,
  CAST(r."DATEADDED" AS VARCHAR) AS date_added, {url} AS source_url, {f} AS source_file
FROM {relation} AS r
LEFT JOIN _cameo_iso3 AS c1 ON c1.code = r."Actor1CountryCode"
LEFT JOIN _cameo_iso3 AS c2 ON c2.code = r."Actor2CountryCode"
"""
    if layout.dataset == "polecat":
        return _polecat_select(layout, relation, f)
    quad = (
        'CASE left(r."CAMEO Code", 2) '
        + " ".join(f"WHEN {_lit(root)} THEN {q}" for root, q in _root_quads("icews").items())
        + " END"
    )
    return f"""
SELECT 'icews' AS dataset, {_lit(layout.name)} AS layout,
  r."Event ID" AS event_id, r."Event Date" AS day, strftime(r."Event Date", '%Y-%m') AS month,
  r."Source Name" AS actor1_code, r."Source Name" AS actor1_name, r."Source Country" AS actor1_country,
  c1.iso3 AS actor1_iso3, r."Source Sectors" AS actor1_types,
  r."Target Name" AS actor2_code, r."Target Name" AS actor2_name, r."Target Country" AS actor2_country,
  c2.iso3 AS actor2_iso3, r."Target Sectors" AS actor2_types,
  CAST(NULL AS TINYINT) AS is_root, r."CAMEO Code" AS event_code, left(r."CAMEO Code", 3) AS event_base_code,
  left(r."CAMEO Code", 2) AS event_root_code, CAST({quad} AS TINYINT) AS quad_class,
  r."Intensity" AS goldstein, CAST(NULL AS INTEGER) AS num_mentions, CAST(NULL AS INTEGER) AS num_sources,
  CAST(NULL AS INTEGER) AS num_articles, CAST(NULL AS DOUBLE) AS avg_tone, r."Country" AS action_country,
  CAST(NULL AS VARCHAR) AS date_added, CAST(r."Story ID" AS VARCHAR) AS source_url, {f} AS source_file
FROM {relation} AS r
LEFT JOIN _icews_iso3 AS c1 ON c1.name = r."Source Country"
LEFT JOIN _icews_iso3 AS c2 ON c2.name = r."Target Country"
"""


def _single_cow(column: str) -> str:
    """The one COW code of a POLECAT ``"; "`` list (``None`` placeholders dropped), NULL when there are several."""
    codes = f"list_distinct(list_filter(string_split(coalesce({_q(column)}, ''), '; '), lambda x: x NOT IN ('', 'None', 'NA')))"
    return f"CASE WHEN len({codes}) = 1 THEN {codes}[1] END"


def _polecat_select(layout: Layout, relation: str, source_file: str) -> str:
    """Canonical columns of POLECAT rows (see docs/events.md, "POLECAT"):

    actors are the ``Actor``/``Recipient`` entities; their state is the one distinct COW code of the slot
    (``"; "`` lists of several countries map to no state, so the event counts in no dyad); ``event_code`` is
    ``TYPE`` or ``TYPE:mode``; ``goldstein`` holds the PLOVER ``Event Intensity`` (not a Goldstein value: a query
    covers one dataset, so scales never mix); ``event_id`` is a 63-bit hash of the text Event ID;
    ``source_url`` the Event ID's story part (before the first ``_``), as ICEWS's Story ID.
    """
    intensity = "Event Intensity" if "Event Intensity" in layout.columns else "Intensity"
    quad = "CASE r.\"Quad Code\" " + " ".join(
        f"WHEN {_lit(code)} THEN {i}" for i, code in enumerate(QUAD_CODES, start=1)
    ) + " END"
    return f"""
SELECT 'polecat' AS dataset, {_lit(layout.name)} AS layout,
  CAST(hash(r."Event ID") >> 1 AS BIGINT) AS event_id, r."Event Date" AS day,
  strftime(r."Event Date", '%Y-%m') AS month,
  r."Actor Name" AS actor1_code, r."Actor Name" AS actor1_name, r."Actor Country" AS actor1_country,
  c1.iso3 AS actor1_iso3, r."Actor Sectors" AS actor1_types,
  r."Recipient Name" AS actor2_code, r."Recipient Name" AS actor2_name, r."Recipient Country" AS actor2_country,
  c2.iso3 AS actor2_iso3, r."Recipient Sectors" AS actor2_types,
  CAST(NULL AS TINYINT) AS is_root,
  CAST(r."Event Type" AS VARCHAR) || CASE WHEN r."Event Mode" IS NULL THEN '' ELSE ':' || r."Event Mode" END
    AS event_code,
  CAST(r."Event Type" AS VARCHAR) AS event_base_code, CAST(r."Event Type" AS VARCHAR) AS event_root_code,
  CAST({quad} AS TINYINT) AS quad_class, r.{_q(intensity)} AS goldstein,
  CAST(NULL AS INTEGER) AS num_mentions, CAST(NULL AS INTEGER) AS num_sources,
  CAST(NULL AS INTEGER) AS num_articles, CAST(NULL AS DOUBLE) AS avg_tone, r."Country" AS action_country,
  CAST(r."Publication Date" AS VARCHAR) AS date_added, split_part(r."Event ID", '_', 1) AS source_url,
  {source_file} AS source_file
FROM (SELECT *, {_single_cow("Actor COW")} AS _actor_cow, {_single_cow("Recipient COW")} AS _recipient_cow
      FROM {relation}) AS r
LEFT JOIN _polecat_cow AS c1 ON c1.code = r._actor_cow
LEFT JOIN _polecat_cow AS c2 ON c2.code = r._recipient_cow
"""


def _root_quads(scheme: str) -> dict[str, int]:
    from suasion.events.reference import quad_table

    return {code: q for code, q in quad_table(scheme).items() if len(code) == 2 and q is not None}


def register_reference_tables(con: Any) -> None:
    """Make the code -> ISO3 tables visible to DuckDB SQL as ``_cameo_iso3`` and ``_icews_iso3``.

    Also keeps these small tables on the build side of the lookups' hash joins: DuckDB estimates a CSV scan at
    a few dozen rows and would otherwise flip the first join and build its hash table from the whole event
    file (memory growing with the file, spilling, and ~2x slower).
    """
    from suasion.events.reference import cameo_to_iso3, cow_to_iso3, icews_country_to_iso3

    con.execute("SET disabled_optimizers = 'build_side_probe_side'")
    for table, key, mapping in (
        ("_cameo_iso3", "code", cameo_to_iso3()),
        ("_icews_iso3", "name", icews_country_to_iso3()),
        ("_polecat_cow", "code", cow_to_iso3()),
    ):
        values = ", ".join(f"({_lit(k)}, {_lit(v)})" for k, v in mapping.items())
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM (VALUES {values}) AS v({key}, iso3)")


# ---------------------------------------------------------------------------------------------- slow path


def _check_fields(fields: list[str], layout: Layout) -> str | None:
    """Why ``fields`` is not a valid row of ``layout`` (None if it is)."""
    if len(fields) != layout.n_fields:
        return f"{len(fields)} fields, expected {layout.n_fields} ({layout.name})"
    nulls = set(NULL_STRINGS[layout.dataset])
    for i, name in enumerate(layout.columns):
        value = fields[i]
        if name in layout.required and value in nulls:
            return f"column {name!r} is empty"
        kind = layout.types.get(name)
        if kind is None or value in nulls:
            continue
        try:
            if kind in ("BIGINT", "INTEGER"):
                int(value)
            elif kind == "DOUBLE":
                float(value)
            elif kind == "DATE":
                datetime.strptime(value, layout.date_format)
            elif kind.startswith("ENUM(") and value not in (allowed := re.findall(r"'([^']*)'", kind)):
                return f"column {name!r}: {value[:40]!r} is not one of {', '.join(allowed)}"
        except ValueError:
            return f"column {name!r}: {value[:40]!r} is not a valid {kind.lower()}"
    return None


def _salvage_layout(fields: list[str], primary: Layout) -> Layout | None:
    """The layout a rejected row belongs to: the primary one or, for GDELT 1.0, the other field count."""
    candidates = [LAYOUTS[name] for name in FORMATS[format_of_layout(primary.name)]]
    for layout in [primary] + [c for c in candidates if c is not primary]:
        if len(fields) == layout.n_fields:
            return layout
    return None


def _typed_view_sql(layout: Layout, relation: str) -> str:
    """Cast an all-VARCHAR relation to the layout's types (values were checked by :func:`_check_fields`)."""
    nulls = "(" + ", ".join(_lit(v) for v in NULL_STRINGS[layout.dataset]) + ")"
    parts = []
    for name in layout.columns:
        col = _q(name)
        value = f"CASE WHEN {col} IN {nulls} THEN NULL ELSE {col} END"
        kind = layout.types.get(name)
        if kind == "DATE":
            expr = f"CAST(strptime({value}, {_lit(layout.date_format)}) AS DATE)"
        elif kind:
            expr = f"CAST({value} AS {kind})"
        else:
            expr = value
        parts.append(f"{expr} AS {col}")
    return f"SELECT {', '.join(parts)} FROM {relation}"


def _rejected_lines(con: Any, rejects: str) -> list[tuple[int, str, str, str]]:
    """(line, csv_line, first error type, reason) per rejected file line."""
    rows = con.sql(f"""
        SELECT line, any_value(csv_line ORDER BY column_idx), string_agg(DISTINCT error_type, ','),
               any_value(coalesce(column_name, '') || '|' || error_message ORDER BY column_idx)
        FROM {rejects}_errors GROUP BY line ORDER BY line""").fetchall()
    out = []
    for line, text, kinds, message in rows:
        column, _, msg = (message or "|").partition("|")
        reason = msg.strip() or (f"column {column!r} is empty" if column else "malformed row")
        out.append((int(line), (text or "").lstrip("\r\n"), kinds or "", reason))
    return out


# ---------------------------------------------------------------------------------------------- staging


def stage_file(
    con: Any, path: str | Path, fmt: str | None, on_error: str, out_dir: Path, file_tag: str, workdir: Path
) -> FileReport:
    """Read one file into Parquet files under ``out_dir/<dataset>/<month>/``; rows validated, problems reported.

    Raises :class:`EventFormatError` for a wrong or unknown layout, an unreadable file, or the first malformed
    row when ``on_error == "fail"``. The caller owns ``out_dir`` (a staging area, discarded on error).
    """
    import duckdb

    if on_error not in ("skip", "fail"):
        raise EventQueryError(f"on_error must be 'skip' or 'fail', not {on_error!r}")
    path = Path(path)
    layout, header = detect_layout(path, fmt)
    report = FileReport(path=str(path), format=format_of_layout(layout.name))
    source = materialise(path, workdir)
    rejects = f"rej_{file_tag}"
    select = canonical_select(layout, read_csv_sql(source, layout, header, rejects), path.name)
    part_dir = out_dir / f"main_{file_tag}"
    out_dir.mkdir(parents=True, exist_ok=True)
    import pyarrow as pa

    try:
        rows_main = write_partitioned(con.sql(select).to_arrow_reader(STREAM_BATCH_ROWS), part_dir, file_tag)
    except (duckdb.Error, pa.ArrowException, OSError) as exc:
        message = str(exc).splitlines()[0]
        raise EventFormatError(str(path), f"cannot read: {message}") from None
    report.layouts[layout.name] = rows_main

    salvaged: dict[str, list[list[str]]] = {}
    for line, text, kinds, reason in _rejected_lines(con, rejects):
        fields = text.rstrip("\r\n").split("\t")
        if "ENCODING" in kinds:
            report.rows_recoded += 1
        alt = _salvage_layout(fields, layout)
        problem = (
            _check_fields(fields, alt)
            if alt is not None
            else (
                f"{len(fields)} fields, matching no {report.format} layout "
                f"({', '.join(f'{LAYOUTS[n].n_fields}' for n in FORMATS[report.format])} expected)"
            )
        )
        if alt is not None and problem is None and ("ENCODING" in kinds or alt is not layout):
            salvaged.setdefault(alt.name, []).append(fields)
            continue
        if problem is None:
            problem = reason
        if on_error == "fail":
            raise EventFormatError(str(path), f"malformed row: {problem}", line=line)
        report.rows_skipped += 1
        if len(report.problems) < MAX_PROBLEMS_KEPT:
            report.problems.append(Problem(line, problem))
    con.sql(f"DROP TABLE IF EXISTS {rejects}_errors")
    con.sql(f"DROP TABLE IF EXISTS {rejects}_scans")

    for name, rows in salvaged.items():
        alt = LAYOUTS[name]
        table = pa.table({c: [r[i] for r in rows] for i, c in enumerate(alt.columns)})
        con.register("_salvaged", table)
        typed = f"({_typed_view_sql(alt, '_salvaged')})"
        sel = canonical_select(alt, typed, path.name)
        write_partitioned(
            con.sql(sel).to_arrow_reader(STREAM_BATCH_ROWS),
            out_dir / f"alt_{file_tag}_{name}",
            f"{file_tag}_{name}",
        )
        con.unregister("_salvaged")
        report.layouts[name] = report.layouts.get(name, 0) + len(rows)
    report.rows_written = sum(report.layouts.values())
    if source != path:
        source.unlink(missing_ok=True)
    return report


STREAM_BATCH_ROWS = 32_768
ROW_GROUP_ROWS = 65_536
# rows held across all month buffers (rare months get smaller row groups)
MAX_BUFFERED_ROWS = 2 * ROW_GROUP_ROWS
# row-group min/max statistics only where queries filter (dataset, month, day, id, numbers): statistics on the
# free-text columns (names, URLs) cost ~20% of the Parquet encoding time and never prune a row group
STATISTICS_COLUMNS: tuple[str, ...] = (
    "dataset",
    "layout",
    "event_id",
    "day",
    "month",
    "is_root",
    "quad_class",
    "goldstein",
    "num_mentions",
    "num_sources",
    "num_articles",
    "avg_tone",
)
PREFETCH_BATCHES = 2  # batches read ahead by the producer thread (memory: ~ this many batches in flight)


def prefetched(reader: Any, depth: int = PREFETCH_BATCHES) -> Iterator[Any]:
    """Iterate ``reader`` in a background thread, at most ``depth`` batches ahead.

    DuckDB computes the next batches while the caller encodes the current one to Parquet (both release the
    GIL), so the two stages overlap on two cores; the bounded queue keeps memory flat. An error raised by the
    reader is re-raised here; if the caller stops early, the producer is told to stop.
    """
    import queue
    import threading

    batches: queue.Queue[Any] = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()
    failure: list[BaseException] = []

    def produce() -> None:
        try:
            for batch in reader:
                while not stop.is_set():
                    try:
                        batches.put(batch, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
        except BaseException as exc:  # noqa: BLE001 - re-raised in the consumer
            failure.append(exc)
        finally:
            while not stop.is_set():
                try:
                    batches.put(done, timeout=0.1)
                    break
                except queue.Full:
                    continue

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    try:
        while (batch := batches.get()) is not done:
            yield batch
    finally:
        stop.set()
        thread.join()
    if failure:
        raise failure[0]


def _split_by(table: Any, column: str) -> list[tuple[str, Any]]:
    """``table`` cut into (value, rows) pieces by ``column`` (null -> ``"unknown"``): one sort, one take per value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = table.column(column)
    encoded = pc.dictionary_encode(values).combine_chunks()
    keys = encoded.dictionary.to_pylist()
    if len(keys) == 1 and values.null_count == 0:
        return [(str(keys[0]), table)]
    codes = pc.fill_null(encoded.indices, len(keys))  # nulls sort last, as their own piece
    order = pc.sort_indices(codes)
    counts = pa.array(pc.value_counts(codes).to_pylist())  # [{values, counts}], any order
    sizes = dict(zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True))
    pieces = []
    start = 0
    for code in sorted(sizes):
        size = sizes[code]
        key = str(keys[code]) if code < len(keys) else "unknown"
        # a take, not a slice of one sorted copy: a slice would keep the whole batch alive while a rare
        # month's buffer fills, so memory would grow with the file
        pieces.append((key, table.take(order.slice(start, size))))
        start += size
    return pieces


def write_partitioned(reader: Any, out_dir: Path, tag: str) -> int:
    """Stream Arrow batches into ``out_dir/dataset=<d>/month=<m>/<tag>_0.parquet``; returns the row count.

    One Parquet writer per (dataset, month), rows buffered per partition up to ``ROW_GROUP_ROWS`` so row groups
    stay large, and at most ``MAX_BUFFERED_ROWS`` across all partitions (the fullest buffer is flushed first), so
    memory is bounded whatever the file's size or number of months. Batches are read one thread ahead
    (:func:`prefetched`) and cut by month with one sort per batch (:func:`_split_by`).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    writers: dict[tuple[str, str], Any] = {}
    buffers: dict[tuple[str, str], list[Any]] = {}
    counts: dict[tuple[str, str], int] = {}
    total = 0

    def flush(key: tuple[str, str]) -> None:
        if not buffers.get(key):
            return
        table = pa.concat_tables(buffers.pop(key))
        counts[key] = 0
        writer = writers.get(key)
        if writer is None:
            folder = out_dir / f"dataset={key[0]}" / f"month={key[1]}"
            folder.mkdir(parents=True, exist_ok=True)
            writer = writers[key] = pq.ParquetWriter(
                folder / f"{tag}_0.parquet",
                table.schema,
                compression="snappy",
                write_statistics=[c for c in STATISTICS_COLUMNS if c in table.schema.names],
            )
        writer.write_table(table, row_group_size=ROW_GROUP_ROWS)

    try:
        for batch in prefetched(reader):
            if batch.num_rows == 0:
                continue
            total += batch.num_rows
            table = pa.Table.from_batches([batch])
            for dataset, in_dataset in _split_by(table, "dataset"):
                for month, part in _split_by(in_dataset, "month"):
                    key = (dataset, month)
                    buffers.setdefault(key, []).append(part)
                    counts[key] = counts.get(key, 0) + part.num_rows
                    if counts[key] >= ROW_GROUP_ROWS:
                        flush(key)
            # many months each buffering a little must not add up: past the cap, flush the fullest buffers
            while sum(counts.values()) > MAX_BUFFERED_ROWS:
                flush(max(counts, key=counts.__getitem__))
        for key in list(buffers):
            flush(key)
    finally:
        for writer in writers.values():
            writer.close()
    return total


def staged_files(out_dir: Path) -> list[Path]:
    return sorted(out_dir.rglob("*.parquet"))


@contextmanager
def _staged_alone(
    path: str | Path, format: str | None, on_error: str
) -> Iterator[tuple[Any, FileReport, list[Path]]]:
    """Stage one file into a temporary directory: (DuckDB connection, report, Parquet files), removed on exit."""
    import duckdb

    with tempfile.TemporaryDirectory(prefix="suasion-events-") as tmp:
        tmpdir = Path(tmp)
        con = duckdb.connect()
        try:
            register_reference_tables(con)
            report = stage_file(con, path, format, on_error, tmpdir / "out", "r0", tmpdir)
            yield con, report, staged_files(tmpdir / "out")
        finally:
            con.close()


def check_file(path: str | Path, format: str | None = None) -> FileReport:
    """Detect one event file's layout and validate every row, keeping nothing: the report of an ingest."""
    with _staged_alone(path, format, "skip") as (_, report, _):
        return report


def read_events(path: str | Path, format: str | None = None, on_error: str = "skip") -> Any:
    """Read one event file (GDELT 1.0 57/58, GDELT 2.0 61 plain or zipped, ICEWS) into a pandas DataFrame.

    Columns are the canonical ones (:data:`CANONICAL_COLUMNS`); codes are strings. The per-file report
    (layouts seen, malformed rows with line and reason) is in ``frame.attrs["report"]``.
    """
    import pandas as pd

    with _staged_alone(path, format, on_error) as (con, report, files):
        if files:
            frame = con.sql(
                f"SELECT {', '.join(CANONICAL_COLUMNS)} FROM read_parquet("
                f"[{', '.join(_lit(str(f)) for f in files)}], hive_partitioning=false)"
            ).df()
        else:
            frame = pd.DataFrame(columns=list(CANONICAL_COLUMNS))
    frame.attrs["report"] = report
    return frame
