"""Benchmark: event ingest + dyad-month aggregation throughput, against pandas read_csv + groupby.

Generates a raw GDELT 2.0 export file (61 tab-separated fields, no header) of ``--rows`` rows (default
5,000,000) drawn from a real sample's value distributions: each row takes its date fields, Actor1 block,
Actor2 block, event block (codes, QuadClass, Goldstein), counts and tone, and geo/URL block from independently
drawn rows of the sample, so the dyads, codes and months mix as in real data. Then, each in a fresh process
(so peak memory is its own):

1. suasion: ``EventStore.ingest`` (DuckDB CSV reader -> validated canonical rows -> Parquet by month) and the
   dyad-month index over all state dyads (the Ibis expression of ``suasion events dyad``, on DuckDB);
2. baselines: ``pandas.read_csv`` (C engine, 1M-row chunks so it fits in memory) + ``groupby(month, actor1
   country, actor2 country)`` counts and Goldstein sums, (a) straightforward: all 61 columns as str (codes keep
   their zeros), (b) tuned: only the 6 needed columns, typed;
3. the same dyad-month Ibis expression run straight on the raw file (DuckDB CSV reader, same validated schema),
   without the store;
4. the ceiling: DuckDB only tokenizing the file and counting rows, the least work any ingest built on its CSV
   reader can do on this machine.

Prints rows/s for ingest, aggregation and both, the ratio suasion/pandas, and the peak RSS of each process;
with ``--memory-check`` also the peak RSS of suasion on a file of a fifth of the size, to show that memory does
not grow with file size (streaming); with ``--scaling`` also suasion pinned to one core. Usage::

    .venv/bin/python benchmarks/events.py [--rows 5000000] [--sample FILE] [--memory-check] [--scaling]
                                          [--keep DIR]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import queue as queue_module
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SAMPLE = REPO / "tests" / "fixtures" / "events" / "gdelt2_20170701234500_head400.export.CSV"
SHARED_SAMPLE = (
    REPO.parent
    / "shared"
    / "data"
    / "events"
    / "gdelt_v2"
    / "gdelt2_events_20170701234500_reconstructed.export.tsv.gz"
)

# field groups of the GDELT 2.0 layout drawn together (0-based, end exclusive); field 0 is a fresh id
GROUPS = [(1, 5), (5, 15), (15, 25), (25, 30), (30, 31), (31, 35), (35, 61)]


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
    # the event block and its Goldstein value stay together (Goldstein depends only on the code)
    groups = [(1, 5), (5, 15), (15, 25), (25, 31), (31, 35), (35, 61)]
    blocks = [pa.array(["\t".join(f[a:b]) for f in lines]) for a, b in groups]
    rng = np.random.default_rng(seed)
    n = len(lines)
    with open(out, "wb") as fh:
        for start in range(0, rows, chunk):
            size = min(chunk, rows - start)
            ids = pa.array((np.arange(start, start + size) + 900_000_000).astype(str))
            parts = [ids] + [pc.take(block, pa.array(rng.integers(0, n, size))) for block in blocks]
            joined = pc.binary_join_element_wise(*parts, "\t")
            fh.write(("\n".join(joined.to_pylist()) + "\n").encode("utf-8"))


def _peak_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss it is not inherited over fork + exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _pin(cores: int | None) -> None:
    """Restrict this process to its first ``cores`` CPUs (None: leave it on all of them)."""
    if cores is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:cores])


def run_suasion(path: str, store_dir: str, cores: int | None, queue: mp.Queue) -> None:
    _pin(cores)
    from suasion.events.api import _prepared
    from suasion.events.engines import connect
    from suasion.events.indices import dyad_index_expr
    from suasion.events.store import EventStore

    store = EventStore(store_dir)
    t0 = time.perf_counter()
    reports = store.ingest([path], fmt="gdelt2")
    t1 = time.perf_counter()
    con = connect("duckdb")
    t, _ = _prepared(store, con, "gdelt2", None, None, None, False)
    frame = dyad_index_expr(t, freq="month").to_pyarrow()
    t2 = time.perf_counter()
    queue.put(
        {
            "rows": reports[0].rows_written,
            "ingest_s": t1 - t0,
            "agg_s": t2 - t1,
            "groups": frame.num_rows,
            "peak_mb": _peak_mb(),
        }
    )


def run_direct(path: str, queue: mp.Queue) -> None:
    """The same Ibis dyad-month expression straight on the raw file (validated schema, no store)."""
    import ibis

    from suasion.events.indices import dyad_index_expr, state_dyads
    from suasion.events.layouts import LAYOUTS
    from suasion.events.readers import canonical_select, read_csv_sql, register_reference_tables

    t0 = time.perf_counter()
    con = ibis.duckdb.connect()
    register_reference_tables(con.con)
    layout = LAYOUTS["gdelt2_61"]
    select = canonical_select(layout, read_csv_sql(Path(path), layout, False, "bench"), Path(path).name)
    con.con.execute(f"CREATE VIEW raw_events AS {select}")
    table = con.table("raw_events")
    frame = dyad_index_expr(state_dyads(table), freq="month").to_pyarrow()
    queue.put({"total_s": time.perf_counter() - t0, "groups": frame.num_rows, "peak_mb": _peak_mb()})


def run_floor(path: str, queue: mp.Queue) -> None:
    """The least work any DuckDB-based ingest must do: tokenize every row (61 VARCHAR fields) and count them.

    Nothing is typed, validated, joined, written or aggregated, so no pipeline built on DuckDB's CSV reader
    can ingest the file faster than this on the same machine.
    """
    import duckdb

    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(61)) + "}"
    t0 = time.perf_counter()
    con = duckdb.connect()
    rows = con.sql(
        f"SELECT count(c60) FROM read_csv('{path}', delim='\\t', quote='', escape='', header=false, "
        f"auto_detect=false, columns={columns}, null_padding=true)"
    ).fetchall()[0][0]
    queue.put({"rows": rows, "total_s": time.perf_counter() - t0, "peak_mb": _peak_mb()})


def run_pandas(path: str, all_columns: bool, queue: mp.Queue) -> None:
    import pandas as pd

    usecols = None if all_columns else [1, 7, 17, 26, 29, 30]
    dtypes = str if all_columns else {1: str, 7: str, 17: str, 26: str, 29: "int8", 30: "float64"}
    t0 = time.perf_counter()
    partial = []
    rows = 0
    for chunk in pd.read_csv(
        path,
        sep="\t",
        header=None,
        usecols=usecols,
        dtype=dtypes,
        quoting=3,
        keep_default_na=False,
        na_values=[""],
        chunksize=1_000_000,
    ):
        if all_columns:
            chunk[30] = chunk[30].astype("float64")
        rows += len(chunk)
        chunk["month"] = chunk[1].str[:6]
        partial.append(chunk.groupby(["month", 7, 17]).agg(events=(26, "size"), goldstein_sum=(30, "sum")))
    result = pd.concat(partial).groupby(level=[0, 1, 2]).sum()
    t1 = time.perf_counter()
    queue.put({"rows": rows, "total_s": t1 - t0, "groups": len(result), "peak_mb": _peak_mb()})


def _in_process(target, *args) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    while True:
        try:
            result = queue.get(timeout=1.0)
            break
        except queue_module.Empty:  # check the child is still alive
            if not proc.is_alive():
                raise RuntimeError(f"{target.__name__} failed (exit code {proc.exitcode})") from None
    proc.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument(
        "--sample", type=Path, default=SHARED_SAMPLE if SHARED_SAMPLE.exists() else DEFAULT_SAMPLE
    )
    parser.add_argument("--memory-check", action="store_true", help="also run suasion on a file 1/5 the size")
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument(
        "--scaling",
        action="store_true",
        help="also run suasion pinned to one core (speed-up from the second)",
    )
    parser.add_argument("--keep", type=Path, default=None, help="work directory to keep (default: temporary)")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="suasion-bench-events-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        big = work / "bench.export.CSV"
        t = time.perf_counter()
        generate(args.sample, args.rows, big)
        print(
            f"generated {args.rows:,} rows ({big.stat().st_size / 1e9:.2f} GB) from {args.sample.name} "
            f"in {time.perf_counter() - t:.1f} s"
        )
        ours = _in_process(run_suasion, str(big), str(work / "store"), None)
        total = ours["ingest_s"] + ours["agg_s"]
        print(
            f"suasion ingest       : {ours['rows'] / ours['ingest_s']:>12,.0f} rows/s ({ours['ingest_s']:.2f} s)"
        )
        print(
            f"suasion dyad-month   : {ours['rows'] / ours['agg_s']:>12,.0f} rows/s ({ours['agg_s']:.2f} s, "
            f"{ours['groups']:,} dyad-months)"
        )
        print(
            f"suasion ingest + agg : {ours['rows'] / total:>12,.0f} rows/s ({total:.2f} s), "
            f"peak RSS {ours['peak_mb']:,.0f} MB"
        )
        direct = _in_process(run_direct, str(big))
        print(
            f"suasion dyad-month straight from the raw file (no store): "
            f"{ours['rows'] / direct['total_s']:>10,.0f} rows/s ({direct['total_s']:.2f} s), "
            f"peak RSS {direct['peak_mb']:,.0f} MB"
        )
        floor = _in_process(run_floor, str(big))
        print(
            f"ceiling: DuckDB only tokenizing the file (nothing typed, validated or written): "
            f"{floor['rows'] / floor['total_s']:>10,.0f} rows/s ({floor['total_s']:.2f} s); "
            f"suasion ingest + agg reaches {floor['total_s'] / total:.0%} of it"
        )
        if args.scaling:
            one = _in_process(run_suasion, str(big), str(work / "store_1core"), 1)
            one_total = one["ingest_s"] + one["agg_s"]
            print(
                f"suasion ingest + agg on 1 core: {one['rows'] / one_total:>10,.0f} rows/s ({one_total:.2f} s); "
                f"2 cores / 1 core = {one_total / total:.2f}x"
            )
        if not args.skip_pandas:
            for all_columns, label in ((True, "all 61 columns as str"), (False, "6 needed columns, typed")):
                base = _in_process(run_pandas, str(big), all_columns)
                print(
                    f"pandas read_csv+groupby ({label}): {base['rows'] / base['total_s']:>10,.0f} rows/s "
                    f"({base['total_s']:.2f} s, {base['groups']:,} groups), peak RSS {base['peak_mb']:,.0f} MB"
                )
                print(
                    f"  ratio suasion (ingest + agg) / pandas: {base['total_s'] / total:.2f}x; "
                    f"straight from the raw file / pandas: {base['total_s'] / direct['total_s']:.2f}x; "
                    f"DuckDB tokenizing only / pandas: {base['total_s'] / floor['total_s']:.2f}x"
                )
        if args.memory_check:
            small = work / "small.export.CSV"
            generate(args.sample, max(args.rows // 5, 1), small, seed=7)
            shutil.rmtree(work / "store_small", ignore_errors=True)
            part = _in_process(run_suasion, str(small), str(work / "store_small"), None)
            print(
                f"peak RSS suasion: {part['peak_mb']:,.0f} MB at {part['rows']:,} rows, "
                f"{ours['peak_mb']:,.0f} MB at {ours['rows']:,} rows"
            )
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
