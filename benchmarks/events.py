"""Benchmark: dyad-month indices straight from a raw GDELT 2.0 file, and ingest into the store, against the
strongest straightforward baselines on the same file in the same run.

Generates a raw GDELT 2.0 export file (61 tab-separated fields, no header) of ``--rows`` rows (default
2,000,000, about 0.8 GB) drawn from a real export's value distributions: each row takes its date fields, Actor1
block, Actor2 block, event block (codes, QuadClass, Goldstein), counts and tone, and geo/URL block from
independently drawn rows of the sample, so dyads, codes and months mix as in real data. The sample is the real
export in ``../shared`` unless ``--sample`` names another; a missing sample is an error, never a quiet fallback.

Then runs, ``--repeat`` rounds (engine order rotated each round), each engine in a fresh process so that its peak
RSS is its own (imports happen before the clock starts; CPU time counts every thread of the process):

* ``suasion fast path``: ``suasion.events.dyad_index(files=[FILE], freq="month")``, all-dyad month indices
  straight from the raw file in one DuckDB pass (validated rows, ISO3 states, quad counts, Goldstein sums and
  means, cooperation ratios, volume shares); once with ``dedup="none"`` (the same work as the baselines) and
  once with the default ``event-id`` de-duplication;
* ``suasion ingest``: ``EventStore.ingest([FILE])`` (validated canonical rows -> Parquet by month, content hash,
  default de-duplication);
* ``polars``: ``scan_csv`` (needed columns) + ``group_by(month, actor1 country, actor2 country)``: counts and
  Goldstein sums;
* ``DuckDB SQL``: ``read_csv`` with an explicit schema + the same GROUP BY;
* ``pandas (tuned)``: ``read_csv`` (C engine, only the 6 needed columns, typed, 1M-row chunks) + ``groupby``;
* ``DuckDB COPY``: the raw file (61 typed columns) to one Parquet file, the write-path limit any ingest that
  stores Parquet meets on this machine.

Prints rows/s (median and range), rows per CPU-second, peak RSS, the ratios (median of the per-round ratios),
and whether the targets of issue 14 are met. Usage::

    .venv/bin/python benchmarks/events.py [--rows 2000000] [--repeat 3] [--sample FILE] [--file EXISTING]
                                          [--only ENGINE ...] [--keep DIR]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import queue as queue_module
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_SAMPLE = (
    REPO.parent / "shared" / "data" / "events" / "gdelt_v2" / "gdelt2_events_20170701234500_reconstructed.export.tsv.gz"
)
GROUPS = [(1, 5), (5, 15), (15, 25), (25, 31), (31, 35), (35, 61)]  # event block and Goldstein stay together


def generate(sample: Path, rows: int, out: Path, seed: int = 20170701, chunk: int = 500_000) -> None:
    """Write ``rows`` GDELT 2.0 rows drawn group-wise from ``sample``'s rows (see module docstring)."""
    import gzip

    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    opener = gzip.open if sample.suffix == ".gz" else open
    with opener(sample, "rt", encoding="utf-8") as fh:
        lines = [line.rstrip("\n").split("\t") for line in fh if line.strip()]
    lines = [f for f in lines if len(f) == 61]
    if not lines:
        raise SystemExit(f"error: {sample} holds no 61-field GDELT 2.0 rows")
    blocks = [pa.array(["\t".join(f[a:b]) for f in lines]) for a, b in GROUPS]
    rng = np.random.default_rng(seed)
    n = len(lines)
    with open(out, "wb") as fh:
        for start in range(0, rows, chunk):
            size = min(chunk, rows - start)
            ids = pa.array((np.arange(start, start + size) + 900_000_000).astype(str))
            parts = [ids] + [pc.take(block, pa.array(rng.integers(0, n, size))) for block in blocks]
            joined = pc.binary_join_element_wise(*parts, "\t")
            fh.write(("\n".join(joined.to_pylist()) + "\n").encode("utf-8"))


# ---------------------------------------------------------------------------------------------- engines
# Each engine: prepare() imports what it needs (outside the clock), run(path, work) does the work and returns
# (rows, groups).


def _peak_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss it is not inherited over fork + exec)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmHWM in /proc/self/status")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def fast_path(path: str, work: str, dedup: str) -> tuple[int, int]:
    from suasion.events.api import dyad_index

    frame = dyad_index(files=[path], freq="month", dedup=dedup)
    return int(frame["events"].sum()), len(frame)


def ingest(path: str, work: str) -> tuple[int, int]:
    from suasion.events.store import EventStore

    store = Path(work) / f"store-{os.getpid()}"
    report = EventStore(store).ingest([path], fmt="gdelt2")[0]
    shutil.rmtree(store, ignore_errors=True)
    return report.rows_written, 0


def polars_group(path: str, work: str) -> tuple[int, int]:
    import polars as pl

    names = [f"c{i}" for i in range(61)]
    schema = {name: pl.String for name in names} | {"c30": pl.Float64}
    frame = (
        pl.scan_csv(path, separator="\t", has_header=False, new_columns=names, schema=schema, quote_char=None)
        .select("c1", "c7", "c17", "c30")
        .filter(pl.col("c7").is_not_null() & pl.col("c17").is_not_null() & (pl.col("c7") != pl.col("c17")))
        .group_by(pl.col("c1").str.slice(0, 6).alias("month"), "c7", "c17")
        .agg(pl.len().alias("events"), pl.col("c30").sum().alias("goldstein_sum"))
        .collect()
    )
    return int(frame["events"].sum()), frame.height


def _duckdb_columns(typed: dict[int, str]) -> str:
    return "{" + ", ".join(f"'c{i}': '{typed.get(i, 'VARCHAR')}'" for i in range(61)) + "}"


def duckdb_group(path: str, work: str) -> tuple[int, int]:
    import duckdb

    columns = _duckdb_columns({1: "INTEGER", 30: "DOUBLE"})
    rows = duckdb.connect().sql(
        f"SELECT c1 // 100 AS month, c7, c17, count(*) AS events, sum(c30) AS goldstein_sum "
        f"FROM read_csv('{path}', delim='\\t', quote='', escape='', header=false, auto_detect=false, "
        f"columns={columns}) WHERE c7 IS NOT NULL AND c17 IS NOT NULL AND c7 <> c17 GROUP BY ALL"
    ).fetchall()
    return sum(r[3] for r in rows), len(rows)


def pandas_group(path: str, work: str) -> tuple[int, int]:
    import pandas as pd

    partial = []
    for chunk in pd.read_csv(
        path, sep="\t", header=None, usecols=[1, 7, 17, 30], dtype={1: str, 7: str, 17: str, 30: "float64"},
        quoting=3, keep_default_na=False, na_values=[""], chunksize=1_000_000,
    ):
        chunk = chunk[chunk[7].notna() & chunk[17].notna() & (chunk[7] != chunk[17])]
        chunk = chunk.assign(month=chunk[1].str[:6])
        partial.append(chunk.groupby(["month", 7, 17]).agg(events=(30, "size"), goldstein_sum=(30, "sum")))
    result = pd.concat(partial).groupby(level=[0, 1, 2]).sum()
    return int(result["events"].sum()), len(result)


def duckdb_copy(path: str, work: str) -> tuple[int, int]:
    import duckdb

    from suasion.events.layouts import LAYOUTS

    layout = LAYOUTS["gdelt2_61"]
    columns = "{" + ", ".join(f"'{c}': '{t}'" for c, t in layout.duckdb_columns().items()) + "}"
    target = Path(work) / f"copy-{os.getpid()}.parquet"
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * FROM read_csv('{path}', delim='\\t', quote='', escape='', header=false, "
        f"auto_detect=false, dateformat='%Y%m%d', columns={columns})) TO '{target}' (FORMAT parquet)"
    )
    rows = con.sql(f"SELECT count(*) FROM read_parquet('{target}')").fetchall()[0][0]
    target.unlink()
    return rows, 0


ENGINES = {
    "fast": ("suasion fast path (dedup none)", lambda p, w: fast_path(p, w, "none"), "suasion.events.scan"),
    "fast-dedup": ("suasion fast path (default event-id dedup)", lambda p, w: fast_path(p, w, "event-id"),
                   "suasion.events.scan"),
    "ingest": ("suasion ingest (store, Parquet)", ingest, "suasion.events.store"),
    "polars": ("polars scan_csv + group_by", polars_group, "polars"),
    "duckdb": ("DuckDB read_csv + GROUP BY", duckdb_group, "duckdb"),
    "pandas": ("pandas read_csv (tuned) + groupby", pandas_group, "pandas"),
    "copy": ("DuckDB COPY raw -> Parquet", duckdb_copy, "duckdb"),
}


def _child(name: str, path: str, work: str, results: mp.Queue) -> None:
    import importlib

    _, run, module = ENGINES[name]
    importlib.import_module(module)
    if module.startswith("suasion"):  # what the suasion engines import when they run
        for heavy in ("duckdb", "pandas", "pyarrow", "pyarrow.parquet"):
            importlib.import_module(heavy)
    wall, cpu = time.perf_counter(), _cpu()
    rows, groups = run(path, work)
    results.put({"wall": time.perf_counter() - wall, "cpu": _cpu() - cpu, "peak_mb": _peak_mb(),
                 "rows": rows, "groups": groups})


def measure(name: str, path: Path, work: Path) -> dict:
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    proc = ctx.Process(target=_child, args=(name, str(path), str(work), results))
    proc.start()
    while True:
        try:
            out = results.get(timeout=1.0)
            break
        except queue_module.Empty:
            if not proc.is_alive():
                raise RuntimeError(f"{name} failed (exit code {proc.exitcode})") from None
    proc.join()
    return out


def _fmt_range(values: list[float], fmt: str) -> str:
    return f"{format(statistics.median(values), fmt)} ({format(min(values), fmt)}–{format(max(values), fmt)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=Path, default=SHARED_SAMPLE, help="real GDELT 2.0 export to draw from")
    parser.add_argument("--file", type=Path, default=None, help="use this generated file instead of generating")
    parser.add_argument("--only", nargs="+", choices=list(ENGINES), default=list(ENGINES))
    parser.add_argument("--keep", type=Path, default=None, help="work directory to keep (default: temporary)")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="suasion-bench-events-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.file is not None:
            big = args.file
            if not big.is_file():
                raise SystemExit(f"error: --file {big}: no such file")
        else:
            if not args.sample.is_file():
                raise SystemExit(
                    f"error: sample {args.sample} not found; pass --sample with a real GDELT 2.0 export "
                    "(the benchmark does not fall back to a smaller input)"
                )
            big = work / "bench.export.CSV"
            started = time.perf_counter()
            generate(args.sample, args.rows, big)
            print(f"generated {args.rows:,} rows ({big.stat().st_size / 1e6:,.0f} MB) from {args.sample.name} "
                  f"in {time.perf_counter() - started:.1f} s")
        with open(big, "rb") as fh:
            rows_in_file = sum(1 for _ in fh)
        print(f"file {big} ({big.stat().st_size / 1e6:,.0f} MB, {rows_in_file:,} rows); "
              f"{os.cpu_count()} CPUs; load average at start {os.getloadavg()[0]:.2f}")
        runs: dict[str, list[dict]] = {name: [] for name in args.only}
        for round_ in range(args.repeat):
            order = args.only[round_ % len(args.only):] + args.only[: round_ % len(args.only)]
            for name in order:
                runs[name].append(measure(name, big, work))
            print(f"round {round_ + 1}/{args.repeat} done (load average {os.getloadavg()[0]:.2f})", flush=True)
        print(f"\n{'engine':44} {'rows/s, median (range)':>30} {'rows per CPU-s':>16} {'peak RSS MB':>22}")
        for name, results in runs.items():
            rate = [rows_in_file / r["wall"] for r in results]
            per_cpu = [rows_in_file / r["cpu"] for r in results]
            peak = [r["peak_mb"] for r in results]
            print(f"{ENGINES[name][0]:44} {_fmt_range(rate, ',.0f'):>30} {statistics.median(per_cpu):>16,.0f} "
                  f"{_fmt_range(peak, ',.0f'):>22}")

        def ratio(a: str, b: str) -> list[float] | None:
            if a not in runs or b not in runs:
                return None
            return [rb["wall"] / ra["wall"] for ra, rb in zip(runs[a], runs[b], strict=True)]

        print()
        for a, b in (("fast", "polars"), ("fast", "duckdb"), ("fast", "pandas"), ("fast-dedup", "polars"),
                     ("ingest", "copy")):
            r = ratio(a, b)
            if r:
                print(f"ratio {ENGINES[a][0]} / {ENGINES[b][0]}: {_fmt_range(r, '.2f')} (speed, per round)")
        checks = []
        if ratio("fast", "polars"):
            peak = statistics.median(r["peak_mb"] for r in runs["fast"])
            checks.append(("fast path within 20% of polars, peak RSS <= 400 MB",
                           statistics.median(ratio("fast", "polars")) >= 0.8 and peak <= 400))
        if ratio("ingest", "copy"):
            peak = statistics.median(r["peak_mb"] for r in runs["ingest"])
            checks.append(("ingest >= 80% of DuckDB COPY, peak RSS <= 500 MB",
                           statistics.median(ratio("ingest", "copy")) >= 0.8 and peak <= 500))
        for text, ok in checks:
            print(f"target: {text}: {'met' if ok else 'NOT met'} (medians)")
        for name, results in runs.items():
            if len({r["rows"] for r in results}) != 1:
                raise SystemExit(f"error: {name} counted different rows across rounds")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
