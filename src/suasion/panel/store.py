"""Reading and writing the bundled dyad-year panel as dense NumPy arrays.

The on-disk layout is described in :mod:`suasion.panel.schema`. Loading reads the Parquet files
with pyarrow and scatters every column into dense ``[year, source, target]`` arrays by integer
codes (no Python loop over rows). Arrays handed out by :func:`load_panel` are read-only because
the default panel is cached; :meth:`Panel.with_values` returns a modified copy.

Flags: for a channel ``c`` and a cell ``(t, i, j)``

* ``observed_year[c][t, i, j] == years[t]`` -> observed in that year,
* ``0 <= observed_year[c][t, i, j] < years[t]`` -> carried forward from that year,
* ``observed_year[c][t, i, j] == -1`` -> missing (``values`` is NaN). Cells of pairs that do not
  both exist in year ``t`` (and the diagonal) are always missing.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from suasion.errors import CoverageError, InputFileError, SuasionError, UnknownActorError
from suasion.panel.schema import CHANNEL_NAMES, CHANNELS_BY_NAME, DYADIC_CHANNELS, MONADIC_VARIABLES

DEFAULT_PANEL_DIR: Path = Path(__file__).resolve().parents[1] / "data" / "panel"

#: How each bundled channel is scaled by the leverage models (size of the sender's or the target's
#: economy / military, or a plain count); the models own the weights, so ``weight`` is None here.
BUNDLED_SCALE: dict[str, str | None] = {
    "exports": "gdp", "arms_tiv": "milex", "oda": "gdp", "oof": "gdp",
    "atop_defense": None, "atop_offense": None, "atop_neutral": None, "atop_nonagg": None,
    "atop_consul": None, "dca": "count", "igo_shared": "count", "unga_distance": None,
    "exercises": "count", "us_troops": None, "visits": "count",
}

USER_SCALES = ("gdp", "milex", "count", "none")


class UserChannelError(SuasionError, ValueError):
    """A user channel that cannot be added or removed (bad name, clash, not found)."""


@dataclass(frozen=True, eq=False)  # identity equality and hash: cheap, usable as a cache key
class Panel:
    """Dense dyad-year panel: ``values[c][t, i, j]`` = channel ``c`` from ``actors[i]`` to ``actors[j]``
    in ``years[t]``."""

    actors: tuple[str, ...]
    years: np.ndarray
    channels: tuple[str, ...]
    values: dict[str, np.ndarray]
    observed_year: dict[str, np.ndarray]
    exists: np.ndarray
    monadic: dict[str, np.ndarray]
    monadic_year: dict[str, np.ndarray]
    channel_meta: dict[str, dict]
    provenance: pd.DataFrame
    basis: dict[str, np.ndarray] = field(default_factory=dict)
    _actor_pos: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def year_index(self, year: int) -> int:
        """Position of ``year`` in :attr:`years`; CoverageError outside the panel."""
        pos = int(year) - int(self.years[0])
        if pos < 0 or pos >= len(self.years) or int(self.years[pos]) != int(year):
            raise CoverageError(f"year {year} is outside the panel; years "
                                f"{int(self.years[0])}–{int(self.years[-1])} exist")
        return pos

    def actor_index(self, iso3: str) -> int:
        """Position of an ISO3 code in :attr:`actors`; UnknownActorError if the panel lacks it."""
        pos = self._actor_pos.get(str(iso3).upper()) if self._actor_pos else None
        if pos is None:
            try:
                pos = self.actors.index(str(iso3).upper())
            except ValueError:
                import difflib

                close = difflib.get_close_matches(str(iso3).upper(), self.actors, n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise UnknownActorError(f"{iso3!r} is not a state in the panel{hint}") from None
        return pos

    def with_values(self, **changes: np.ndarray) -> Panel:
        """A copy with some channel arrays replaced (what-if); the panel itself is never mutated.

        A replaced channel's cells keep their flags where the new value is finite; cells set to
        NaN become missing.
        """
        values = dict(self.values)
        observed = dict(self.observed_year)
        shape = (len(self.years), len(self.actors), len(self.actors))
        for name, array in changes.items():
            if name not in values:
                raise SuasionError(f"unknown channel {name!r}; channels: {', '.join(self.channels)}")
            new = np.array(array, dtype=np.float64, copy=True)
            if new.shape != shape:
                raise SuasionError(f"channel {name!r}: array shape {new.shape} differs from {shape}")
            new.setflags(write=False)
            values[name] = new
            flags = self.observed_year[name].copy()
            year_grid = np.broadcast_to(self.years.astype(np.int16)[:, None, None], shape)
            flags = np.where(np.isnan(new), -1, np.where(flags < 0, year_grid, flags)).astype(np.int16)
            flags.setflags(write=False)
            observed[name] = flags
        return replace(self, values=values, observed_year=observed)


# ---------------------------------------------------------------------------------------------
# writing


def _atomic_write_table(table: Any, path: Path, row_group_sizes: list[int] | None = None) -> None:
    """Write a Parquet file atomically; ``row_group_sizes`` splits ``table`` into row groups."""
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        options = {"compression": "zstd", "compression_level": 9, "use_dictionary": True}
        if row_group_sizes:
            with pq.ParquetWriter(tmp, table.schema, **options) as writer:
                start = 0
                for size in row_group_sizes:
                    writer.write_table(table.slice(start, size), row_group_size=max(size, 1))
                    start += size
        else:
            pq.write_table(table, tmp, **options)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; these are shareable data files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_panel(out_dir: Path, *, actors: list[str] | tuple[str, ...], years: np.ndarray,
                exists: np.ndarray, values: Mapping[str, np.ndarray],
                observed_year: Mapping[str, np.ndarray], monadic: Mapping[str, np.ndarray],
                monadic_year: Mapping[str, np.ndarray], states: pd.DataFrame,
                provenance: pd.DataFrame, float_dtype: str = "float64") -> dict[str, int]:
    """Write dense arrays in the bundled layout; returns the size in bytes of each file.

    Rows are written only for pairs that both exist in a year (diagonal excluded). Channels absent
    from ``values`` are written as all-missing columns. ``float_dtype`` is the on-disk type of the
    channel values (float32 keeps the bundled panel small; float64 is exact).
    """
    import pyarrow as pa

    out_dir = Path(out_dir)
    actors = list(actors)
    years = np.asarray(years, dtype=np.int64)
    n_a = len(actors)
    dyad_mask = exists[:, :, None] & exists[:, None, :]
    dyad_mask &= ~np.eye(n_a, dtype=bool)[None, :, :]
    t_idx, s_idx, g_idx = np.nonzero(dyad_mask)
    flat = dyad_mask.reshape(-1)
    dictionary = pa.array(actors, type=pa.string())
    columns: dict[str, Any] = {
        "source": pa.DictionaryArray.from_arrays(pa.array(s_idx.astype(np.int16)), dictionary),
        "target": pa.DictionaryArray.from_arrays(pa.array(g_idx.astype(np.int16)), dictionary),
        "year": pa.array(years[t_idx].astype(np.int16)),
    }
    for name in CHANNEL_NAMES:
        if name in values:
            v = np.asarray(values[name], dtype=np.float64).reshape(-1)[flat]
            oy = np.asarray(observed_year[name], dtype=np.int16).reshape(-1)[flat]
        else:
            v = np.full(len(t_idx), np.nan)
            oy = np.full(len(t_idx), -1, dtype=np.int16)
        missing = oy < 0
        v = np.where(missing, np.nan, v).astype(float_dtype)
        columns[name] = pa.array(v, mask=missing)
        columns[f"{name}_year"] = pa.array(oy, mask=missing, type=pa.int16())
    sizes: dict[str, int] = {}
    path = out_dir / "dyads.parquet"
    # rows are sorted by year: one row group per year lets a query read only the years it needs
    per_year = np.bincount(t_idx, minlength=len(years))
    _atomic_write_table(pa.table(columns), path, row_group_sizes=per_year[per_year > 0].tolist())
    sizes[path.name] = path.stat().st_size

    m_t, m_a = np.nonzero(exists)
    mcols: dict[str, Any] = {
        "iso3": pa.DictionaryArray.from_arrays(pa.array(m_a.astype(np.int16)), dictionary),
        "year": pa.array(years[m_t].astype(np.int16)),
    }
    for name in MONADIC_VARIABLES:
        if name in monadic:
            v = np.asarray(monadic[name], dtype=np.float64)[m_t, m_a]
            oy = np.asarray(monadic_year[name], dtype=np.int16)[m_t, m_a]
        else:
            v = np.full(len(m_t), np.nan)
            oy = np.full(len(m_t), -1, dtype=np.int16)
        missing = oy < 0
        mcols[name] = pa.array(np.where(missing, np.nan, v), mask=missing)
        mcols[f"{name}_year"] = pa.array(oy, mask=missing, type=pa.int16())
    path = out_dir / "monadic.parquet"
    _atomic_write_table(pa.table(mcols), path)
    sizes[path.name] = path.stat().st_size

    path = out_dir / "states.parquet"
    st = states.loc[:, ["iso3", "cown", "name", "start_year", "end_year"]].copy()
    st["cown"] = st["cown"].astype("Int16")
    st["start_year"] = st["start_year"].astype("int16")
    st["end_year"] = st["end_year"].astype("int16")
    _atomic_write_table(pa.Table.from_pandas(st.reset_index(drop=True), preserve_index=False), path)
    sizes[path.name] = path.stat().st_size

    path = out_dir / "provenance.csv"
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".provenance.", suffix=".tmp")
    os.close(fd)
    provenance.to_csv(tmp, index=False)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    sizes[path.name] = path.stat().st_size
    return sizes


# ---------------------------------------------------------------------------------------------
# reading


def _codes(column: Any, lookup: pd.Index) -> np.ndarray:
    """Integer positions in ``lookup`` of a (possibly dictionary-encoded, chunked) string column."""
    import pyarrow as pa

    out = []
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type):
            mapping = lookup.get_indexer(chunk.dictionary.to_pylist())
            out.append(mapping[chunk.indices.to_numpy(zero_copy_only=False)])
        else:
            out.append(lookup.get_indexer(chunk.to_pylist()))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class PanelFiles:
    """What a panel folder holds, read from the files' metadata only (no data pages).

    ``observed`` maps each dyadic channel to a bool array over ``years``: True where some cell of
    that year is observed (from the Parquet statistics of the year's row group). It is exact when
    the dyad file has one row group per year (as :func:`write_panel` writes it) and ``None``
    otherwise.
    """

    path: Path
    years: np.ndarray
    actors: tuple[str, ...]
    year_groups: dict[int, list[int]]
    observed: dict[str, np.ndarray] | None


@lru_cache(maxsize=4)
def panel_files(path: str | Path = DEFAULT_PANEL_DIR) -> PanelFiles:
    """Years, actors and per-year row groups of the panel at ``path`` (cached)."""
    import pyarrow.parquet as pq

    path = Path(path)
    for name in ("dyads.parquet", "monadic.parquet", "states.parquet", "provenance.csv"):
        if not (path / name).is_file():
            raise SuasionError(f"{path}: panel file {name} is missing (build it with `suasion data build`)")
    states = pq.read_table(path / "states.parquet", columns=["iso3"]).column("iso3").to_pylist()
    meta = pq.ParquetFile(path / "dyads.parquet").metadata
    names = meta.schema.names
    year_pos = names.index("year")
    groups: dict[int, list[int]] = {}
    per_group: list[tuple[int, int]] = []
    for g in range(meta.num_row_groups):
        stats = meta.row_group(g).column(year_pos).statistics
        if stats is None or not stats.has_min_max:
            per_group = []
            break
        per_group.append((int(stats.min), int(stats.max)))
    m_years = pq.read_table(path / "monadic.parquet", columns=["year"]).column("year").to_numpy()
    first, last = int(m_years.min()), int(m_years.max())
    if per_group:
        first = min(first, min(lo for lo, _ in per_group))
        last = max(last, max(hi for _, hi in per_group))
    years = np.arange(first, last + 1, dtype=np.int64)
    observed: dict[str, np.ndarray] | None = None
    one_year_groups = bool(per_group) and all(lo == hi for lo, hi in per_group)
    if per_group:
        for g, (lo, hi) in enumerate(per_group):
            for y in range(lo, hi + 1):
                groups.setdefault(y, []).append(g)
    if one_year_groups:
        observed = {}
        for name in CHANNEL_NAMES:
            col = f"{name}_year"
            if col not in names:
                continue
            pos = names.index(col)
            seen = np.zeros(len(years), dtype=bool)
            for g, (lo, _) in enumerate(per_group):
                stats = meta.row_group(g).column(pos).statistics
                if stats is not None and stats.has_min_max and int(stats.max) == lo:
                    seen[lo - first] = True
            observed[name] = seen
    return PanelFiles(path, years, tuple(sorted(map(str, states))), groups, observed)


def _read_panel_files(path: Path, years: tuple[int, int] | None = None,
                      channels: tuple[str, ...] | None = None) -> Panel:
    """Read the panel at ``path`` into dense arrays: all of it, or only ``years`` (first, last)
    and only ``channels`` (the others are left out of the panel)."""
    import pyarrow.parquet as pq

    files = panel_files(path)
    path = files.path
    first, last = int(files.years[0]), int(files.years[-1])
    if years is not None:
        lo, hi = int(years[0]), int(years[1])
        if lo > hi or hi < first or lo > last:
            raise CoverageError(f"years {lo}–{hi} are outside the panel ({first}–{last})")
        first, last = max(first, lo), min(last, hi)
    wanted = CHANNEL_NAMES if channels is None else tuple(c for c in CHANNEL_NAMES if c in set(channels))
    states = pq.read_table(path / "states.parquet").to_pandas()
    actors = files.actors
    lookup = pd.Index(actors)
    dyad_file = pq.ParquetFile(path / "dyads.parquet")
    present = set(dyad_file.schema_arrow.names)
    whole = first == int(files.years[0]) and last == int(files.years[-1])
    groups: list[int] | None = None
    if files.year_groups and not whole:
        groups = sorted({g for y in range(first, last + 1) for g in files.year_groups.get(y, [])})
    keep = None
    exact = whole or (groups is not None and files.observed is not None)  # one row group per year

    def read(columns: list[str]):  # one channel at a time keeps the decoded columns small
        table = (dyad_file.read_row_groups(groups, columns=columns) if groups is not None
                 else dyad_file.read(columns=columns))
        return table if keep is None else table.filter(keep)

    if not exact:
        import pyarrow.compute as pc

        years_read = read(["year"]).column("year")
        keep = pc.and_(pc.greater_equal(years_read, first), pc.less_equal(years_read, last))
    keys = read(["source", "target", "year"])
    year_col = keys.column("year").to_numpy()
    years_arr = np.arange(first, last + 1, dtype=np.int64)
    n_y, n_a = len(years_arr), len(actors)

    src = _codes(keys.column("source"), lookup)
    tgt = _codes(keys.column("target"), lookup)
    flat = ((year_col.astype(np.int64) - first) * n_a + src) * n_a + tgt
    del keys, src, tgt, year_col
    values: dict[str, np.ndarray] = {}
    observed: dict[str, np.ndarray] = {}
    basis: dict[str, np.ndarray] = {}
    for name in wanted:
        v = np.full(n_y * n_a * n_a, np.nan)
        oy = np.full(n_y * n_a * n_a, -1, dtype=np.int16)
        if name in present:
            has_basis = f"{name}_basis" in present
            part = read([name, f"{name}_year"] + ([f"{name}_basis"] if has_basis else []))
            v[flat] = part.column(name).to_numpy()  # nulls -> NaN
            oy[flat] = part.column(f"{name}_year").fill_null(-1).to_numpy()
            if has_basis:
                b = np.full(n_y * n_a * n_a, -1, dtype=np.int8)
                b[flat] = part.column(f"{name}_basis").fill_null(-1).to_numpy()
                b = b.reshape(n_y, n_a, n_a)
                b.setflags(write=False)
                basis[name] = b
            del part
        v = v.reshape(n_y, n_a, n_a)
        oy = oy.reshape(n_y, n_a, n_a)
        v.setflags(write=False)
        oy.setflags(write=False)
        values[name], observed[name] = v, oy

    monadic_t = pq.read_table(path / "monadic.parquet")
    m_years = monadic_t.column("year").to_numpy().astype(np.int64)
    m_keep = (m_years >= first) & (m_years <= last)
    m_idx = _codes(monadic_t.column("iso3"), lookup)[m_keep]
    m_flat = (m_years[m_keep] - first) * n_a + m_idx
    exists = np.zeros(n_y * n_a, dtype=bool)
    exists[m_flat] = True
    exists = exists.reshape(n_y, n_a)
    exists.setflags(write=False)
    monadic: dict[str, np.ndarray] = {}
    monadic_year: dict[str, np.ndarray] = {}
    for name in MONADIC_VARIABLES:
        v = np.full(n_y * n_a, np.nan)
        oy = np.full(n_y * n_a, -1, dtype=np.int16)
        if name in monadic_t.column_names:
            v[m_flat] = monadic_t.column(name).to_numpy()[m_keep]
            oy[m_flat] = monadic_t.column(f"{name}_year").fill_null(-1).to_numpy()[m_keep]
        v, oy = v.reshape(n_y, n_a), oy.reshape(n_y, n_a)
        v.setflags(write=False)
        oy.setflags(write=False)
        monadic[name], monadic_year[name] = v, oy

    meta = {
        c.name: {"unit": c.unit, "description": c.description, "source_id": c.source_id,
                 "symmetric": c.symmetric, "user": False, "scale": BUNDLED_SCALE.get(c.name),
                 "weight": None}
        for c in DYADIC_CHANNELS if c.name in wanted
    }
    provenance = pd.read_csv(path / "provenance.csv", keep_default_na=False)
    del states
    return Panel(actors=actors, years=years_arr, channels=wanted, values=values,
                 observed_year=observed, exists=exists, monadic=monadic, monadic_year=monadic_year,
                 channel_meta=meta, provenance=provenance, basis=basis,
                 _actor_pos={a: i for i, a in enumerate(actors)})


def user_channels_dir() -> Path:
    """Where user channels live: ``data_home()/channels``."""
    from suasion.config import data_home

    return data_home() / "channels"


def user_channel_years() -> dict[str, np.ndarray]:
    """The years each user channel has values for, read from its file's ``year`` column."""
    import pyarrow.parquet as pq

    folder = user_channels_dir()
    if not folder.is_dir():
        return {}
    out = {}
    for path in sorted(folder.glob("*.parquet")):
        if path.name.startswith(".") or path.stem in CHANNELS_BY_NAME:
            continue
        out[path.stem] = np.unique(pq.read_table(path, columns=["year"]).column("year").to_numpy())
    return out


def _user_channel_signature() -> tuple:
    folder = user_channels_dir()
    if not folder.is_dir():
        return ()
    entries = []
    for entry in os.scandir(folder):
        if entry.name.endswith((".parquet", ".json")) and not entry.name.startswith("."):
            st = entry.stat()
            entries.append((entry.name, st.st_mtime_ns, st.st_size))
    return tuple(sorted(entries))


@lru_cache(maxsize=4)
def _cached_base(path: str, years: tuple[int, int] | None, channels: tuple[str, ...] | None) -> Panel:
    return _read_panel_files(Path(path), years, channels)


#: Panels with user channels, most recently used last (the base panels are cached by _cached_base).
_WITH_USERS: OrderedDict[tuple, Panel] = OrderedDict()
_WITH_USERS_SIZE = 8


def _cached_with_users(path: str, years: tuple[int, int] | None, channels: tuple[str, ...] | None,
                       folder: str, signature: tuple) -> Panel:
    key = (path, years, channels, folder, signature)
    hit = _WITH_USERS.get(key)
    if hit is None:
        hit = _merge_user_channels(_cached_base(path, years, channels), Path(folder))
        _WITH_USERS[key] = hit
        while len(_WITH_USERS) > _WITH_USERS_SIZE:
            _WITH_USERS.popitem(last=False)
    _WITH_USERS.move_to_end(key)
    return hit


def _user_meta(folder: Path, name: str) -> dict[str, Any]:
    info: dict[str, Any] = {}
    meta_path = folder / f"{name}.json"
    if meta_path.is_file():
        info = json.loads(meta_path.read_text(encoding="utf-8"))
    scale = info.get("scale", "count")
    return {"unit": info.get("unit", ""), "description": info.get("description", ""),
            "source_id": "user", "symmetric": False, "user": True,
            "scale": None if scale in (None, "none") else scale,
            "weight": info.get("weight", 0.1), "marking": info.get("marking")}


def user_channel_meta() -> dict[str, dict[str, Any]]:
    """The metadata of every user channel (name -> unit, scale, weight, ...), from its files only."""
    folder = user_channels_dir()
    if not folder.is_dir():
        return {}
    return {p.stem: _user_meta(folder, p.stem) for p in sorted(folder.glob("*.parquet"))
            if not p.name.startswith(".") and p.stem not in CHANNELS_BY_NAME}


def _merge_user_channels(panel: Panel, folder: Path) -> Panel:
    import pyarrow.parquet as pq

    if not folder.is_dir():
        return panel
    names = sorted(p.stem for p in folder.glob("*.parquet") if not p.name.startswith("."))
    if not names:
        return panel
    values, observed, meta = dict(panel.values), dict(panel.observed_year), dict(panel.channel_meta)
    channels = list(panel.channels)
    lookup = pd.Index(panel.actors)
    n_y, n_a = len(panel.years), len(panel.actors)
    first = int(panel.years[0])
    for name in names:
        if name in CHANNELS_BY_NAME:
            continue
        table = pq.read_table(folder / f"{name}.parquet")
        src = lookup.get_indexer(table.column("source").to_pylist())
        tgt = lookup.get_indexer(table.column("target").to_pylist())
        yr = table.column("year").to_numpy().astype(np.int64)
        val = table.column("value").to_numpy().astype(np.float64)
        keep = (src >= 0) & (tgt >= 0) & (yr >= first) & (yr < first + n_y)
        src, tgt, yr, val = src[keep], tgt[keep], yr[keep], val[keep]
        keep = panel.exists[yr - first, src] & panel.exists[yr - first, tgt]
        src, tgt, yr, val = src[keep], tgt[keep], yr[keep], val[keep]
        v = np.full((n_y, n_a, n_a), np.nan)
        oy = np.full((n_y, n_a, n_a), -1, dtype=np.int16)
        v[yr - first, src, tgt] = val
        oy[yr - first, src, tgt] = yr
        v.setflags(write=False)
        oy.setflags(write=False)
        values[name], observed[name] = v, oy
        meta[name] = _user_meta(folder, name)
        channels.append(name)
    return replace(panel, channels=tuple(channels), values=values, observed_year=observed,
                   channel_meta=meta)


def load_panel(path: Path | None = None, *, user_channels: bool = True, years: tuple[int, int] | None = None,
               channels: tuple[str, ...] | None = None) -> Panel:
    """Load the bundled panel (or one at ``path``) into dense arrays; cached per argument set.

    ``years=(first, last)`` reads only those years (one Parquet row group per year), and
    ``channels`` only those bundled channels: a query about one year reads a few percent of
    the file. With ``user_channels=True`` the channels added by :func:`add_user_channel` are
    appended after the bundled ones: observed where the user's file gives a value, missing
    elsewhere.
    """
    base = str(Path(path).resolve()) if path is not None else str(DEFAULT_PANEL_DIR)
    span = None if years is None else (int(years[0]), int(years[1]))
    wanted = None if channels is None else tuple(sorted(set(channels)))
    if not user_channels:
        return _cached_base(base, span, wanted)
    folder = user_channels_dir()
    return _cached_with_users(base, span, wanted, str(folder), _user_channel_signature())


def cached_full_panel(path: Path | None = None) -> Panel | None:
    """The whole panel (with user channels) if this process has already loaded it, else None.

    Queries use it when it is there (a long-running server loads it once) and read only the
    years they need from disk when it is not (a one-off command).
    """
    base = str(Path(path).resolve()) if path is not None else str(DEFAULT_PANEL_DIR)
    return _WITH_USERS.get((base, None, None, str(user_channels_dir()), _user_channel_signature()))


def clear_cache() -> None:
    """Forget cached panels (after rebuilding the bundled files)."""
    _cached_base.cache_clear()
    _WITH_USERS.clear()
    panel_files.cache_clear()


# ---------------------------------------------------------------------------------------------
# coverage


def _flag_shares(observed_year: np.ndarray, years: np.ndarray, mask: np.ndarray) -> dict[str, Any]:
    grid = years.astype(np.int16).reshape((-1,) + (1,) * (observed_year.ndim - 1))
    total = int(mask.sum())
    obs = (observed_year == grid) & mask
    carried = (observed_year >= 0) & (observed_year < grid) & mask
    per_year = obs.reshape(len(years), -1).any(axis=1)
    observed_years = years[per_year]
    n_obs, n_car = int(obs.sum()), int(carried.sum())
    return {
        "first_observed": int(observed_years.min()) if len(observed_years) else None,
        "last_observed": int(observed_years.max()) if len(observed_years) else None,
        "share_observed": n_obs / total if total else 0.0,
        "share_carried_forward": n_car / total if total else 0.0,
        "share_missing": (total - n_obs - n_car) / total if total else 0.0,
    }


def data_sources(panel: Panel | None = None) -> pd.DataFrame:
    """Coverage per channel (then per monadic variable) over the whole panel.

    Columns: ``channel``, ``kind`` (dyadic/monadic), ``unit``, ``source``, ``first_observed`` and
    ``last_observed`` (first and last year with any observed cell), ``share_observed``,
    ``share_carried_forward`` and ``share_missing`` (shares of the existing dyad-years, or
    state-years for monadic variables; they add up to 1).
    """
    panel = panel if panel is not None else load_panel()
    n_a = len(panel.actors)
    dyad_mask = panel.exists[:, :, None] & panel.exists[:, None, :] & ~np.eye(n_a, dtype=bool)[None]
    rows = []
    for name in panel.channels:
        meta = panel.channel_meta[name]
        rows.append({"channel": name, "kind": "dyadic", "unit": meta["unit"], "source": meta["source_id"],
                     **_flag_shares(panel.observed_year[name], panel.years, dyad_mask)})
    for name, desc in MONADIC_VARIABLES.items():
        rows.append({"channel": name, "kind": "monadic", "unit": desc.split(",")[-1].split("(")[0].strip(),
                     "source": desc.split("(", 1)[-1].rstrip(")") if "(" in desc else "",
                     **_flag_shares(panel.monadic_year[name], panel.years, panel.exists)})
    frame = pd.DataFrame(rows)
    for col in ("first_observed", "last_observed"):
        frame[col] = frame[col].astype("Int64")
    return frame


# ---------------------------------------------------------------------------------------------
# user channels


def _resolver(panel: Panel):
    """``to_iso3`` from suasion.actors when it exists, else an ISO3 check against the panel."""
    try:
        from suasion.actors import to_iso3  # written by the actors engineer
    except ImportError:
        to_iso3 = None
    known = set(panel.actors)

    def resolve(value: str, year: int | None) -> str:
        text = value.strip()
        if text.upper() in known:
            return text.upper()
        if to_iso3 is not None:
            iso = to_iso3(text, year=year)
            return str(iso).upper()
        raise UnknownActorError(f"{text!r} is not an ISO3 code of a state in the panel")

    return resolve


def _validate_user_file(path: Path, panel: Panel) -> pd.DataFrame:
    import csv

    path = Path(path)
    if not path.is_file():
        raise InputFileError(str(path), "file not found")
    required = ["source", "target", "year", "value"]
    first_year, last_year = int(panel.years[0]), int(panel.years[-1])
    resolve = _resolver(panel)
    cache: dict[tuple[str, int], str] = {}
    rows: list[tuple[str, str, int, float]] = []
    seen: dict[tuple[str, str, int], int] = {}
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputFileError(str(path), f"cannot read file ({exc.strerror})") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise InputFileError(str(path), "file is empty; expected header source,target,year,value",
                                 line=1) from None
        except UnicodeDecodeError:
            raise InputFileError(str(path), "file is not UTF-8 text", line=1) from None
        header = [h.strip().lower() for h in header]
        for col in required:
            if col not in header:
                raise InputFileError(str(path), f"header lacks column {col!r} (expected "
                                     "source,target,year,value)", line=1)
        pos = {col: header.index(col) for col in required}
        try:
            for row in reader:
                line = reader.line_num
                if not row or all(not cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    raise InputFileError(str(path), f"expected {len(header)} fields, found {len(row)}",
                                         line=line)
                raw_year = row[pos["year"]].strip()
                try:
                    year = int(raw_year)
                except ValueError:
                    raise InputFileError(str(path), f"year {raw_year!r} is not an integer", line=line,
                                         column="year") from None
                if not first_year <= year <= last_year:
                    raise InputFileError(str(path), f"year {year} is outside the panel "
                                         f"({first_year}–{last_year})", line=line, column="year")
                isos = []
                for col in ("source", "target"):
                    raw_actor = row[pos[col]]
                    if not raw_actor.strip():
                        raise InputFileError(str(path), f"empty {col}", line=line, column=col)
                    key = (raw_actor, year)
                    if key not in cache:
                        try:
                            cache[key] = resolve(raw_actor, year)
                        except SuasionError as exc:  # UnknownActorError, or any other refusal
                            raise InputFileError(str(path), str(exc), line=line, column=col) from None
                    iso = cache[key]
                    if iso not in panel._actor_pos:
                        raise InputFileError(str(path), f"{raw_actor.strip()!r} ({iso}) is not a state "
                                             "in the panel", line=line, column=col)
                    if not panel.exists[year - first_year, panel._actor_pos[iso]]:
                        raise InputFileError(str(path), f"{iso} is not a state in {year}", line=line,
                                             column=col)
                    isos.append(iso)
                if isos[0] == isos[1]:
                    raise InputFileError(str(path), f"source and target are both {isos[0]}", line=line,
                                         column="target")
                raw_value = row[pos["value"]].strip()
                try:
                    value = float(raw_value)
                except ValueError:
                    raise InputFileError(str(path), f"value {raw_value!r} is not a number", line=line,
                                         column="value") from None
                if not np.isfinite(value):
                    raise InputFileError(str(path), f"value {raw_value!r} is not finite", line=line,
                                         column="value")
                key3 = (isos[0], isos[1], year)
                if key3 in seen:
                    raise InputFileError(str(path), f"duplicate row for {isos[0]}->{isos[1]} {year} "
                                         f"(first on line {seen[key3]})", line=line)
                seen[key3] = line
                rows.append((isos[0], isos[1], year, value))
        except UnicodeDecodeError:
            raise InputFileError(str(path), "file is not UTF-8 text", line=reader.line_num + 1) from None
        except csv.Error as exc:
            raise InputFileError(str(path), f"malformed CSV ({exc})", line=reader.line_num) from None
    if not rows:
        raise InputFileError(str(path), "file has a header but no data rows", line=2)
    frame = pd.DataFrame(rows, columns=["source", "target", "year", "value"])
    frame["year"] = frame["year"].astype(np.int16)
    return frame


def _check_channel_name(name: str) -> None:
    import re

    if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", name or ""):
        raise UserChannelError(f"channel name {name!r} must be 1-40 characters of a-z, 0-9 and _, "
                               "starting with a letter")
    if name in CHANNELS_BY_NAME or name.endswith("_year") or name in ("source", "target", "year", "value"):
        raise UserChannelError(f"channel name {name!r} clashes with a bundled channel or column")


def add_user_channel(path: Path, name: str, *, unit: str = "", scale: str = "count", weight: float = 0.1,
                     description: str = "") -> pd.DataFrame:
    """Validate a CSV ``source,target,year,value`` and store it as user channel ``name``.

    Sources and targets may be ISO3 codes or any name or code :func:`suasion.actors.to_iso3`
    accepts. Errors name the file, line and column; nothing is written unless the whole file is
    valid. The channel is stored atomically (temporary file + rename) as
    ``data_home()/channels/NAME.parquet`` with ``NAME.json`` holding its meta, replacing an
    earlier channel of the same name. Returns the stored rows (ISO3 codes).
    """
    import pyarrow as pa

    _check_channel_name(name)
    if scale not in USER_SCALES:
        raise UserChannelError(f"scale {scale!r} must be one of {', '.join(USER_SCALES)}")
    try:
        weight = float(weight)
    except (TypeError, ValueError):
        raise UserChannelError(f"weight {weight!r} is not a number") from None
    if not np.isfinite(weight) or weight < 0:
        raise UserChannelError(f"weight {weight} must be a finite number >= 0")
    panel = load_panel(user_channels=False)
    frame = _validate_user_file(Path(path), panel)
    folder = user_channels_dir()
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    meta = {"name": name, "unit": unit, "scale": scale, "weight": weight, "description": description,
            "file": str(Path(path).name), "rows": len(frame)}
    fd, tmp_meta = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".json.tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(meta, handle, indent=2)
    try:
        _atomic_write_table(table, folder / f"{name}.parquet")
        os.replace(tmp_meta, folder / f"{name}.json")
    finally:
        Path(tmp_meta).unlink(missing_ok=True)
    return frame


def remove_user_channel(name: str) -> None:
    """Delete user channel ``name``; UserChannelError if there is none."""
    folder = user_channels_dir()
    target = folder / f"{name}.parquet"
    if name in CHANNELS_BY_NAME:
        raise UserChannelError(f"{name!r} is a bundled channel and cannot be removed")
    if not target.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.parquet"))) or "none"
        raise UserChannelError(f"no user channel {name!r} (user channels: {known})")
    target.unlink()
    (folder / f"{name}.json").unlink(missing_ok=True)


def list_channels(panel: Panel | None = None) -> pd.DataFrame:
    """One row per channel: name, unit, source, symmetric, user, scale, weight, description."""
    panel = panel if panel is not None else load_panel()
    rows = [{"channel": name, **{k: panel.channel_meta[name][k] for k in
                                 ("unit", "source_id", "symmetric", "user", "scale", "weight")},
             "description": panel.channel_meta[name]["description"]} for name in panel.channels]
    return pd.DataFrame(rows)
