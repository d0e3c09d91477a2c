"""Public leverage functions: tidy DataFrames with ISO3 codes, scores, channels and flags.

Every row says who (``source``) holds how much leverage (``score``) over whom (``target``) in
which ``year`` under which ``model``, with one column per channel contribution (they add up to
the score) and, to read it:

* ``share``: the source's share of all measured outside leverage over the target (the scores of
  every state over that target that year sum to 1; bloc rows use the same denominator and are
  not part of the sum);
* ``explanation``: one line in words built from the numbers (:mod:`suasion.leverage.explain`);
* ``oldest_input_year`` (the oldest observed year among the contributing channels),
  ``main_channel`` and ``main_channel_year`` (the largest contribution and its observed year);
* ``channel_flags`` and ``data_years``: per channel, observed that year, carried forward (from
  which year) or missing, and the year itself;
* ``actor_type``: ``state`` or ``bloc``.

Without a ``panel`` argument a query reads only the years it needs from the bundled files
(or uses the whole panel if this process has already loaded it).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from suasion.errors import CoverageError, SuasionError
from suasion.leverage.engine import HISTORY_YEARS, LeverageTensor, leverage_tensor, year_tensor
from suasion.panel.store import Panel, cached_full_panel, load_panel

DEFAULT_WEIGHT_SHARE_OBSERVED = 0.5

#: Row columns that are not channel contributions.
META_COLUMNS = ("rank", "source", "target", "year", "model", "actor_type", "score", "share", "explanation",
                "main_channel", "main_channel_year", "oldest_input_year", "channel_flags", "data_years")


def _resolve(value: str, year: int | None) -> tuple[str, bool]:
    """ISO3 code or bloc code for a user-given actor, and whether it is a bloc."""
    from suasion.actors import is_bloc, resolve_actor

    code = resolve_actor(value, year=year)
    return code, is_bloc(code)


def flag_text(observed_year: int, year: int) -> str:
    """``observed``, ``carried forward from YEAR`` or ``missing``."""
    if observed_year < 0:
        return "missing"
    if observed_year >= year:
        return "observed"
    return f"carried forward from {observed_year}"


def _check_max_carry(max_carry: int | None) -> None:
    if max_carry is not None and (not isinstance(max_carry, (int, np.integer)) or max_carry < 0):
        raise SuasionError(f"max_carry must be a whole number of years >= 0, got {max_carry!r}")


def _model_weights(panel: Panel | None, model: str) -> tuple[object, dict[str, float]]:
    from suasion.leverage import fbic as fbic_mod
    from suasion.leverage.engine import resolve_model_with

    if str(model).strip().lower() == "fbic":
        return "fbic", {c: 1.0 for c in fbic_mod.FBIC_CHANNELS}
    if panel is None:
        from suasion.panel.store import user_channel_meta

        resolved = resolve_model_with(model, user_channel_meta())
    else:
        resolved = resolve_model_with(model, panel.channel_meta)
    return resolved, dict(zip(resolved.names, resolved.weights()))


def _panel_last_year() -> int:
    from suasion.panel.store import panel_files

    return int(panel_files().years[-1])


FBIC_PANEL_CHANNELS = {"aid": ("oda",), "trade": ("exports",), "arms": ("arms_tiv",),
                       "diplomacy": ("diplomatic_rep", "igo_shared", "atop_defense")}


def observed_years(panel: Panel | None = None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The panel years and, per channel, whether any cell is observed in each year.

    With no panel, read from the bundled files' metadata and the user channels' files, so
    that finding the default year needs no data pages.
    """
    if panel is not None:
        grid = panel.years.astype(np.int16)[:, None, None]
        return panel.years, {name: (panel.observed_year[name] == grid).any(axis=(1, 2))
                             for name in panel.channels}
    from suasion.panel.store import panel_files, user_channel_years

    files = panel_files()
    if files.observed is None:
        return observed_years(load_panel())
    out = dict(files.observed)
    for name, years in user_channel_years().items():
        out[name] = np.isin(files.years, years)
    return files.years, out


def default_year(panel: Panel | None = None, model: str = "suasion") -> int:
    """The latest year in which channels carrying at least half the model's weight are observed."""
    from suasion.leverage.inputs import panel_channels_of

    resolved, weights = _model_weights(panel, model)
    years, observed = observed_years(panel)
    share = np.zeros(len(years))
    for channel, weight in weights.items():
        sources = FBIC_PANEL_CHANNELS.get(channel, (channel,)) if resolved == "fbic" \
            else panel_channels_of(resolved, channel)
        now = np.zeros(len(years), dtype=bool)
        for name in sources:
            if name in observed:
                now |= observed[name]
        share += weight * now
    share /= sum(weights.values())
    good = np.nonzero(share >= DEFAULT_WEIGHT_SHARE_OBSERVED)[0]
    return int(years[good[-1]] if len(good) else years[-1])


def query_panel(panel: Panel | None, year: int, model: str) -> Panel:
    """The panel a one-year query reads: the given one, the whole panel if it is loaded, or just
    the years the model needs for ``year``."""
    if panel is not None:
        return panel
    full = cached_full_panel()
    if full is not None:
        return full
    from suasion.panel.store import panel_files

    files = panel_files()
    first, last = int(files.years[0]), int(files.years[-1])
    if not first <= int(year) <= last:
        raise CoverageError(f"year {year} is outside the panel; years {first}–{last} exist")
    history = HISTORY_YEARS["fbic" if str(model).strip().lower() == "fbic" else "suasion"]
    start = first if history is None else max(first, int(year) - history)
    return load_panel(years=(start, int(year)))


def _context(panel: Panel | None, model: str, year: int | None, *actors: str
             ) -> tuple[Panel, int, list[str], list[bool]]:
    if year is None:
        year = default_year(panel, model)
    year = int(year)
    panel = query_panel(panel, year, model)
    panel.year_index(year)
    codes, blocs = [], []
    for a in actors:
        code, bloc = _resolve(a, year)
        if not bloc:
            panel.actor_index(code)
        codes.append(code)
        blocs.append(bloc)
    return panel, year, codes, blocs


def _rows(tensor: LeverageTensor, t: int, year: int, sources: np.ndarray, targets: np.ndarray,
          panel: Panel | None = None, denominators: np.ndarray | None = None) -> pd.DataFrame:
    """One row per (source, target) pair with scores, contributions, shares, words and flags.

    ``denominators[i]`` is the total outside leverage over the target of row ``i`` (default: the
    sum over every actor of this tensor, which for a tensor without blocs is every state).
    """
    from suasion.leverage.explain import explanation

    score = tensor.score[t, sources, targets]
    contributions = tensor.contributions[:, t, sources, targets].T          # [rows, C]
    observed = tensor.observed_year[:, t, sources, targets].T
    if denominators is None:
        denominators = np.nansum(tensor.score[t][:, targets], axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(denominators > 0, score / denominators, np.nan)
    n_rows = len(sources)
    main_channel, main_year, oldest = [], [], []
    for i in range(n_rows):
        positive = np.nonzero(contributions[i] > 0)[0]
        if len(positive) == 0:
            main_channel.append(None)
            main_year.append(pd.NA)
            oldest.append(pd.NA)
            continue
        top = positive[np.argmax(contributions[i][positive])]
        main_channel.append(tensor.channels[top])
        main_year.append(int(observed[i, top]) if observed[i, top] >= 0 else pd.NA)
        years_used = observed[i, positive]
        years_used = years_used[years_used >= 0]
        oldest.append(int(years_used.min()) if len(years_used) else pd.NA)
    columns: dict[str, object] = {
        "source": [tensor.actors[i] for i in sources],
        "target": [tensor.actors[j] for j in targets],
        "year": np.full(n_rows, year),
        "model": [tensor.version] * n_rows,
        "actor_type": ["state"] * n_rows,
        "score": score,
        "share": share,
    }
    for c, name in enumerate(tensor.channels):
        columns[name] = contributions[:, c]
    columns["explanation"] = [explanation(tensor, t, int(a), int(b), panel) for a, b in zip(sources, targets)]
    columns["main_channel"] = main_channel
    columns["main_channel_year"] = pd.array(main_year, dtype="Int64")
    columns["oldest_input_year"] = pd.array(oldest, dtype="Int64")
    columns["channel_flags"] = [{name: flag_text(int(oy[c]), year) for c, name in enumerate(tensor.channels)}
                                for oy in observed]
    columns["data_years"] = [{name: (int(oy[c]) if oy[c] >= 0 else None)
                              for c, name in enumerate(tensor.channels)} for oy in observed]
    frame = pd.DataFrame(columns)
    return frame


def _ranked(frame: pd.DataFrame, top: int | None) -> pd.DataFrame:
    if top is not None and int(top) < 0:
        raise SuasionError(f"top must be >= 0 (0 = all), got {top}")
    frame = frame[frame["score"].notna()].sort_values("score", ascending=False, kind="stable")
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    if top:
        frame = frame.head(int(top))
    return frame.reset_index(drop=True)


def listed_blocs(year: int, exclude: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The blocs suasion knows that exist in ``year``, minus ``exclude`` and blocs one of whose
    members is in ``exclude`` (a bloc has no leverage over its own member)."""
    from suasion.actors import bloc_members
    from suasion.actors.blocs import bloc_codes

    out = []
    for code in bloc_codes():
        if code in exclude:
            continue
        try:
            members = bloc_members(code, year)
        except CoverageError:
            continue
        if members and not (set(exclude) & members):
            out.append(code)
    return tuple(out)


_BLOC_ROWS: dict[tuple, tuple[Panel, pd.DataFrame | None]] = {}
_BLOC_ROWS_SIZE = 512


def _bloc_row(panel: Panel, year: int, model: str, bloc: str, code: str, as_target: bool,
              max_carry: int | None, denominator: float | None) -> pd.DataFrame | None:
    """The row of ``bloc``'s leverage over ``code`` (or ``code``'s over ``bloc``), None when the
    bloc is not an actor that year. Computed with the bloc as one actor and not cached as a
    tensor (one per bloc would hold ~10 MB each); the small row is kept instead."""
    key = (id(panel), int(year), str(model).lower(), bloc, code, as_target, max_carry, denominator)
    hit = _BLOC_ROWS.get(key)
    if hit is not None and hit[0] is panel:
        return None if hit[1] is None else hit[1].copy()
    bt, bt_t = year_tensor(panel, year, model, (bloc,), max_carry, cache=False)
    i, j = bt.index(bloc), bt.index(code)
    row = None
    if bt.exists[bt_t, i]:
        if as_target:
            row = _rows(bt, bt_t, year, np.array([i]), np.array([j]), panel,
                        denominators=np.array([denominator]))
        else:
            # the source's leverage over a bloc: share of all outside leverage over that bloc
            row = _rows(bt, bt_t, year, np.array([j]), np.array([i]), panel)
        row["actor_type"] = "bloc"
    if len(_BLOC_ROWS) >= _BLOC_ROWS_SIZE:
        _BLOC_ROWS.pop(next(iter(_BLOC_ROWS)))
    _BLOC_ROWS[key] = (panel, row)
    return None if row is None else row.copy()


def _one_actor(actor: str, year: int | None, model: str, top: int | None, panel: Panel | None,
               as_target: bool, blocs: bool, max_carry: int | None) -> pd.DataFrame:
    """Every other actor's leverage over ``actor`` (as_target) or ``actor``'s over every other.

    States come from one computation over states; each bloc row from a computation in which
    that bloc is one actor (its members' flows with outsiders summed, see
    :func:`suasion.leverage.inputs.collapse_blocs`).
    """
    _check_max_carry(max_carry)
    panel, year, (code,), (is_bloc_actor,) = _context(panel, model, year, actor)
    base_blocs = (code,) if is_bloc_actor else ()
    tensor, t = year_tensor(panel, year, model, base_blocs, max_carry)
    k = tensor.index(code)
    if not tensor.exists[t, k]:
        raise SuasionError(f"{code} is not a separate actor in {year}")
    others = np.nonzero(tensor.exists[t])[0]
    others = others[others != k]
    same = np.full_like(others, k)
    if as_target:
        rows = _rows(tensor, t, year, others, same, panel)
        denominator = float(np.nansum(tensor.score[t, others, k]))
    else:
        rows = _rows(tensor, t, year, same, others, panel)
        denominator = None
    frames = [rows]
    # bloc-to-bloc rows are not listed: two blocs at once may overlap
    if blocs and not is_bloc_actor and str(model).strip().lower() != "fbic":
        for bloc in listed_blocs(year, exclude=(code,)):
            row = _bloc_row(panel, year, model, bloc, code, as_target, max_carry, denominator)
            if row is not None:
                frames.append(row)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else rows
    return _ranked(frame, top)


def leverage_over(target: str, year: int | None = None, model: str = "suasion", top: int | None = None,
                  panel: Panel | None = None, blocs: bool = True, max_carry: int | None = None) -> pd.DataFrame:
    """Who holds leverage over ``target`` (a state or a bloc) in ``year``, strongest first.

    One row per source (states, and with ``blocs=True`` the blocs the target is not part of,
    marked ``actor_type == "bloc"``) with ``rank, source, target, year, model, actor_type,
    score, share``, one column per channel contribution (summing to ``score``),
    ``explanation``, ``main_channel``, ``main_channel_year``, ``oldest_input_year``,
    ``channel_flags`` and ``data_years``. ``max_carry=N`` treats inputs carried forward more
    than N years as missing. Without ``year``: :func:`default_year`.
    """
    return _one_actor(target, year, model, top, panel, True, blocs, max_carry)


def leverage_of(source: str, year: int | None = None, model: str = "suasion", top: int | None = None,
                panel: Panel | None = None, blocs: bool = True, max_carry: int | None = None) -> pd.DataFrame:
    """Whom ``source`` (a state or a bloc) can move in ``year``, strongest first (same columns;
    ``share`` is the source's share of all outside leverage over each target)."""
    return _one_actor(source, year, model, top, panel, False, blocs, max_carry)


def dyad_history(a: str, b: str, model: str = "suasion", years: tuple[int, int] | None = None,
                 panel: Panel | None = None, max_carry: int | None = None) -> pd.DataFrame:
    """Leverage of ``a`` over ``b`` and of ``b`` over ``a`` in every panel year (or ``years`` range).

    With ``years`` and a suasion model, only the years asked and the trailing years their inputs
    read are computed (a year's scores do not depend on later years or on years before its
    trailing windows, see :func:`suasion.leverage.engine.year_tensor`); the rows are the same.
    """
    from suasion.leverage.engine import first_year_needed, panel_window

    _check_max_carry(max_carry)
    panel = panel if panel is not None else load_panel()
    last = int(panel.years[-1])
    code_a, bloc_a = _resolve(a, last)
    code_b, bloc_b = _resolve(b, last)
    if code_a == code_b:
        raise SuasionError(f"a dyad needs two different actors, got {code_a} twice")
    if years is not None and years[0] > years[1]:
        raise SuasionError(f"years {years[0]}–{years[1]}: the first year is after the last")
    if years is not None and str(model).strip().lower() != "fbic":
        lo, hi = max(int(years[0]), int(panel.years[0])), min(int(years[1]), last)
        if lo <= hi:
            panel = panel_window(panel, first_year_needed(panel, lo, model), hi)
    blocs = tuple(c for c, is_b in ((code_a, bloc_a), (code_b, bloc_b)) if is_b)
    tensor = leverage_tensor(panel, model, blocs, max_carry)
    i, j = tensor.index(code_a), tensor.index(code_b)
    frames = []
    for t, year in enumerate(tensor.years):
        if years is not None and not (years[0] <= year <= years[1]):
            continue
        if tensor.exists[t, i] and tensor.exists[t, j]:
            frames.append(_rows(tensor, t, int(year), np.array([i, j]), np.array([j, i]), panel))
    if not frames:
        raise SuasionError(f"{code_a} and {code_b} never both exist as separate actors in the years asked")
    frame = pd.concat(frames, ignore_index=True)
    for code, is_b in ((code_a, bloc_a), (code_b, bloc_b)):
        if is_b:
            frame.loc[frame["source"] == code, "actor_type"] = "bloc"
    return frame


def leverage_matrix(year: int | None = None, model: str = "suasion", panel: Panel | None = None,
                    max_carry: int | None = None) -> pd.DataFrame:
    """Square source x target matrix of scores for one year (states only)."""
    _check_max_carry(max_carry)
    if year is None:
        year = default_year(panel, model)
    panel = query_panel(panel, int(year), model)
    tensor, t = year_tensor(panel, int(year), model, (), max_carry)
    alive = np.nonzero(tensor.exists[t])[0]
    names = [tensor.actors[i] for i in alive]
    return pd.DataFrame(tensor.score[t][np.ix_(alive, alive)], index=pd.Index(names, name="source"),
                        columns=pd.Index(names, name="target"))


#: Weight draws of :func:`leverage_sensitivity` at most (each draw scores every source once).
MAX_DRAWS = 100_000


def leverage_sensitivity(target: str, year: int | None = None, model: str = "suasion", draws: int = 1000,
                         concentration: float = 100.0, seed: int = 0, top: int | None = None,
                         panel: Panel | None = None) -> pd.DataFrame:
    """Rank intervals of every source over ``target`` when channel weights are uncertain.

    See :func:`suasion.leverage.sensitivity.rank_intervals`.
    """
    from suasion.leverage.sensitivity import rank_intervals

    if not 1 <= int(draws) <= MAX_DRAWS:
        raise SuasionError(f"draws must be between 1 and {MAX_DRAWS:,}, got {draws}")
    if not 0 < float(concentration) < math.inf:
        raise SuasionError(f"concentration must be a finite number > 0, got {concentration}")
    if int(seed) < 0:
        raise SuasionError(f"seed must be >= 0, got {seed}")
    if top is not None and int(top) < 0:
        raise SuasionError(f"top must be >= 0 (0 = all), got {top}")
    panel, year, (code,), (is_bloc_actor,) = _context(panel, model, year, target)
    tensor, t = year_tensor(panel, year, model, (code,) if is_bloc_actor else ())
    j = tensor.index(code)
    sources = np.nonzero(tensor.exists[t])[0]
    sources = sources[sources != j]
    table = rank_intervals(tensor, t, sources, j, draws=int(draws), concentration=float(concentration),
                           seed=seed)
    table.insert(1, "target", code)
    table.insert(2, "year", year)
    table.insert(3, "model", tensor.version)
    return table if not top else table.head(int(top))
