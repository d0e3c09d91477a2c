"""Spark (Ibis), DuckDB (Ibis), the default SQL engine on the store and the fast path on the raw files give the
same index values (local Spark, small data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suasion.events.api import _prepared, dyad_index, ingest_events, top_partners
from suasion.events.indices import dyad_index_expr, partners_expr
from suasion.events.store import EventStore

from .helpers import FIXTURES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory):
    pytest.importorskip("pyspark")
    from suasion.events.engines import connect, spark_session

    store = EventStore(tmp_path_factory.mktemp("spark") / "store")
    ingest_events(
        [FIXTURES / "gdelt2_20170701234500_head400.export.CSV", FIXTURES / "gdelt1_mixed_57_58.tsv"],
        store=store,
    )
    session = spark_session(master="local[1]", shuffle_partitions=1, small=True)
    yield store, connect("duckdb"), connect("spark", session=session)
    session.stop()


def _same(left: pd.DataFrame, right: pd.DataFrame, keys: list[str]) -> None:
    assert list(left.columns) == list(right.columns)
    left = left.sort_values(keys).reset_index(drop=True)
    right = right.sort_values(keys).reset_index(drop=True)
    assert len(left) == len(right) > 0
    for col in left.columns:
        a, b = left[col], right[col]
        if pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b):
            np.testing.assert_allclose(a.astype(float), b.astype(float), rtol=1e-12, atol=1e-12, err_msg=col)
        elif (
            pd.api.types.is_datetime64_any_dtype(a)
            or pd.api.types.is_datetime64_any_dtype(b)
            or col == "period"
        ):
            assert list(pd.to_datetime(a)) == list(pd.to_datetime(b)), col
        else:
            assert list(a.astype(str)) == list(b.astype(str)), col


@pytest.mark.parametrize(
    "dataset, freq, directed, weight, dedup",
    [
        ("gdelt2", "month", True, "one", "event-id"),
        ("gdelt2", "year", False, "mentions", "day-dyad-code-url"),
        ("gdelt1", "week", True, "articles", "one-a-day"),
    ],
)
def test_spark_equals_duckdb_on_all_dyads(
    engines, dataset: str, freq: str, directed: bool, weight: str, dedup: str | None
) -> None:
    store, duck, spark = engines
    results = []
    for con in (duck, spark):
        t, _ = _prepared(store, con, dataset, dedup, None, None, False)
        results.append(dyad_index_expr(t, freq=freq, directed=directed, weight=weight).execute())
    _same(results[0], results[1], ["period", "source", "target"])
    options = dict(freq=freq, directed=directed, weight=weight, dedup=dedup)
    on_spark = dyad_index(store=store, con=spark, dataset=dataset, **options)
    _same(on_spark, dyad_index(store=store, dataset=dataset, **options), ["period", "source", "target"])
    raw = FIXTURES / ("gdelt2_20170701234500_head400.export.CSV" if dataset == "gdelt2" else "gdelt1_mixed_57_58.tsv")
    _same(on_spark, dyad_index(files=[raw], **options), ["period", "source", "target"])


def test_spark_equals_duckdb_on_partners(engines) -> None:
    store, duck, spark = engines
    results = []
    for con in (duck, spark):
        t, _ = _prepared(store, con, "gdelt2", None, "2017-01-01", None, False)
        results.append(partners_expr(t, "USA", scheme="plover").execute())
    _same(results[0], results[1], ["partner"])
    on_spark = top_partners("USA", start="2017-01-01", n=0, scheme="plover", dedup=None, store=store, con=spark,
                            dataset="gdelt2")
    _same(on_spark, top_partners("USA", start="2017-01-01", n=0, scheme="plover", dedup=None, store=store,
                                 dataset="gdelt2"), ["partner"])
