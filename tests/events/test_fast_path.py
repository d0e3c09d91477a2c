"""The fast path (raw files, one DuckDB SQL pass) equals the stored path (SQL on the store) and the Ibis
expressions on the same store, for every index option; zipped, gzipped and split files give the same result."""

from __future__ import annotations

import gzip
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from suasion.events.api import dyad_events, dyad_index, event_alerts, ingest_events, top_partners
from suasion.events.errors import EventFormatError, EventQueryError
from suasion.events.store import EventStore

from .helpers import A1CC, A2CC, FIXTURES, raw_rows

V2 = FIXTURES / "gdelt2_20170701234500_head400.export.CSV"
MIXED = FIXTURES / "gdelt1_mixed_57_58.tsv"
ICEWS = FIXTURES / "icews_2018_head300.tab"


def same(left: pd.DataFrame, right: pd.DataFrame, keys: list[str]) -> None:
    assert list(left.columns) == list(right.columns)
    left = left.sort_values(keys).reset_index(drop=True)
    right = right.sort_values(keys).reset_index(drop=True)
    assert len(left) == len(right) > 0
    for col in left.columns:
        a, b = left[col], right[col]
        if pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b):
            np.testing.assert_allclose(a.astype(float), b.astype(float), rtol=1e-12, atol=1e-12, err_msg=col)
        else:
            assert list(a.astype(str)) == list(b.astype(str)), col


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, EventStore]:
    root = tmp_path_factory.mktemp("fast")
    out = {}
    for name, files in {"gdelt2": [V2], "gdelt1": [MIXED], "icews": [ICEWS]}.items():
        store = EventStore(root / name)
        ingest_events(files, store=store)
        out[name] = store
    return out


OPTIONS = [
    dict(freq="month"),
    dict(freq="year", directed=False, weight="mentions"),
    dict(freq="week", dedup="day-dyad-code-url", scheme="plover"),
    dict(freq="day", dedup="url,one-a-day", weight="articles", defence=False),
    dict(freq="year", defence=True, directed=False),
    dict(freq="month", start="2017-06-25", end="2017-07-01", dedup="none"),
]


@pytest.mark.parametrize("options", OPTIONS)
def test_all_dyads_fast_path_equals_store_and_ibis(stores, options) -> None:
    store = stores["gdelt2"]
    fast = dyad_index(files=[V2], **options)
    stored = dyad_index(store=store, **options)
    ibis = dyad_index(store=store, engine="ibis", **options)
    same(fast, stored, ["period", "source", "target"])
    same(fast, ibis, ["period", "source", "target"])


@pytest.mark.parametrize("directed", [True, False])
def test_pair_and_partners_equal_on_every_path(stores, directed: bool) -> None:
    store = stores["gdelt2"]
    for a, b in (("PAK", "AFG"), ("CHN", "PAK"), ("USA", "AFG")):
        fast = dyad_events(a, b, freq="day", directed=directed, files=[V2])
        same(fast, dyad_events(a, b, freq="day", directed=directed, store=store), ["period", "source", "target"])
        same(fast, dyad_events(a, b, freq="day", directed=directed, store=store, engine="ibis"),
             ["period", "source", "target"])
    fast = top_partners("USA", n=0, files=[V2])
    same(fast, top_partners("USA", n=0, store=store), ["partner"])
    same(fast, top_partners("USA", n=0, store=store, engine="ibis"), ["partner"])


def test_gdelt1_mixed_layouts_and_icews_equal_on_every_path(stores) -> None:
    for name, path in (("gdelt1", MIXED), ("icews", ICEWS)):
        fast = dyad_index(freq="week", files=[path])
        same(fast, dyad_index(freq="week", store=stores[name]), ["period", "source", "target"])
        same(fast, dyad_index(freq="week", store=stores[name], engine="ibis"), ["period", "source", "target"])


def test_compressed_and_split_files_give_the_same_index(tmp_path: Path) -> None:
    plain = dyad_index(freq="day", files=[V2])
    gz = tmp_path / "a.export.CSV.gz"
    gz.write_bytes(gzip.compress(V2.read_bytes()))
    zipped = tmp_path / "b.export.CSV.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(V2, V2.name)
    same(plain, dyad_index(freq="day", files=[gz]), ["period", "source", "target"])
    same(plain, dyad_index(freq="day", files=[zipped]), ["period", "source", "target"])
    lines = V2.read_bytes().split(b"\n")
    parts = []
    for i in range(3):
        part = tmp_path / f"part{i}.export.CSV"
        part.write_bytes(b"\n".join(lines[i * 150 : (i + 1) * 150]).strip(b"\n") + b"\n")
        parts.append(part)
    same(plain, dyad_index(freq="day", files=parts), ["period", "source", "target"])
    # the same events twice (plain and zipped): counted once by default, twice with dedup none
    twice = dyad_index(freq="day", files=[V2, zipped])
    same(plain, twice, ["period", "source", "target"])
    doubled = dyad_index(freq="day", files=[V2, zipped], dedup="none")
    assert doubled["events"].sum() == 2 * plain["events"].sum()


def test_fast_path_counts_match_the_raw_rows() -> None:
    rows = raw_rows(V2)
    frame = dyad_events("PAK", "AFG", freq="year", directed=True, files=[V2])
    for row in frame.itertuples():
        expect = sum(1 for r in rows if (r[A1CC], r[A2CC]) == (row.source, row.target))
        assert row.events == expect


def test_fast_path_reports_malformed_rows_and_fails_on_request(tmp_path: Path) -> None:
    lines = V2.read_bytes().split(b"\n")
    lines[5] = b"\t".join(lines[5].split(b"\t")[:12])
    fields = lines[9].split(b"\t")
    fields[30] = b"not-a-number"
    lines[9] = b"\t".join(fields)
    bad = tmp_path / "bad.export.CSV"
    bad.write_bytes(b"\n".join(lines))
    from suasion.events.scan import RawScan
    from suasion.events.sql import dyad_index_sql, state_rows_sql

    with RawScan([bad]) as scan:
        scan.run(lambda rel: dyad_index_sql(state_rows_sql(rel)))
    assert scan.problems.total == 2
    assert [(Path(f).name, p.line) for f, p in scan.problems.first] == [("bad.export.CSV", 6), ("bad.export.CSV", 10)]
    with pytest.raises(EventFormatError, match="line 6"):
        dyad_index(files=[bad], on_error="fail")
    with pytest.raises(EventFormatError, match="looks like gdelt2"):
        dyad_index(files=[V2], input_format="gdelt1")


def test_query_options_are_checked(stores) -> None:
    store = stores["gdelt2"]
    with pytest.raises(EventQueryError, match="reversed"):
        dyad_index(store=store, start="2017-07-02", end="2017-07-01")
    with pytest.raises(EventQueryError, match="alert metric"):
        event_alerts("USA", metric="nosuch", store=store)
    with pytest.raises(EventQueryError, match="window"):
        event_alerts("USA", window=0, store=store)
    with pytest.raises(EventQueryError, match="λ"):
        dyad_events("USA", "RUS", ewma=5, store=store)
    with pytest.raises(EventQueryError, match="de-duplication"):
        dyad_index(store=store, dedup="nonsense")
    with pytest.raises(EventQueryError, match="duckdb engine only"):
        dyad_index(files=[V2], engine="ibis")


def test_the_default_engine_imports_neither_ibis_nor_spark(tmp_path: Path) -> None:
    import subprocess

    code = (
        "import sys\n"
        "from suasion.events.api import dyad_index\n"
        f"dyad_index(files=[{str(V2)!r}])\n"
        "print(sorted(m for m in ('ibis', 'pyspark', 'polars') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]"
