"""Public leverage functions: tidy DataFrames with ISO3 codes, scores, channels and flags.

Every row says who (``source``) holds how much leverage (``score``) over whom (``target``) in
which ``year`` under which ``model``, with one column per channel contribution (they add up to
the score), and ``flags``/``data_years``: per channel, whether its data were observed that year,
carried forward (from which year) or missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from suasion.errors import SuasionError
from suasion.leverage.engine import LeverageTensor, leverage_tensor, year_tensor
from suasion.panel.store import Panel, load_panel

DEFAULT_WEIGHT_SHARE_OBSERVED = 0.5


def _panel(panel: Panel | None) -> Panel:
    return panel if panel is not None else load_panel()


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


def default_year(panel: Panel | None = None, model: str = "suasion") -> int:
    """The latest year in which channels carrying at least half the model's weight are observed."""
    from suasion.leverage import fbic as fbic_mod
    from suasion.leverage.engine import resolve_model
    from suasion.leverage.inputs import PANEL_CHANNELS_OF

    panel = _panel(panel)
    resolved = resolve_model(model, panel)
    if resolved == "fbic":
        weights = {c: 1.0 for c in fbic_mod.FBIC_CHANNELS}
    else:
        weights = dict(zip(resolved.names, resolved.weights()))
    grid = panel.years.astype(np.int16)[:, None, None]
    observed: dict[str, np.ndarray] = {}
    share = np.zeros(len(panel.years))
    for channel, weight in weights.items():
        sources = PANEL_CHANNELS_OF.get(channel, (channel,))
        now = np.zeros(len(panel.years), dtype=bool)
        for name in sources:
            if name not in observed:
                observed[name] = (panel.observed_year[name] == grid).any(axis=(1, 2))
            now |= observed[name]
        share += weight * now
    share /= sum(weights.values())
    good = np.nonzero(share >= DEFAULT_WEIGHT_SHARE_OBSERVED)[0]
    return int(panel.years[good[-1]] if len(good) else panel.years[-1])


def _context(panel: Panel | None, model: str, year: int | None, *actors: str
             ) -> tuple[LeverageTensor, int, int, list[str]]:
    panel = _panel(panel)
    if year is None:
        year = default_year(panel, model)
    t = panel.year_index(int(year))
    codes, blocs = [], []
    for a in actors:
        code, bloc = _resolve(a, int(year))
        if not bloc:
            panel.actor_index(code)
        codes.append(code)
        if bloc:
            blocs.append(code)
    tensor, t = year_tensor(panel, int(year), model, tuple(dict.fromkeys(blocs)))
    return tensor, t, int(year), codes


def _rows(tensor: LeverageTensor, t: int, year: int, sources: np.ndarray, targets: np.ndarray) -> pd.DataFrame:
    score = tensor.score[t, sources, targets]
    contributions = tensor.contributions[:, t, sources, targets].T          # [rows, C]
    observed = tensor.observed_year[:, t, sources, targets].T
    frame = pd.DataFrame({
        "source": [tensor.actors[i] for i in sources],
        "target": [tensor.actors[j] for j in targets],
        "year": year,
        "model": tensor.version,
        "score": score,
    })
    for c, name in enumerate(tensor.channels):
        frame[name] = contributions[:, c]
    frame["flags"] = [{name: flag_text(int(oy[c]), year) for c, name in enumerate(tensor.channels)}
                      for oy in observed]
    frame["data_years"] = [{name: (int(oy[c]) if oy[c] >= 0 else None) for c, name in enumerate(tensor.channels)}
                           for oy in observed]
    return frame


def _ranked(frame: pd.DataFrame, top: int | None) -> pd.DataFrame:
    frame = frame[frame["score"].notna()].sort_values("score", ascending=False, kind="stable")
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    if top is not None:
        frame = frame.head(int(top))
    return frame.reset_index(drop=True)


def _one_actor(actor: str, year: int | None, model: str, top: int | None, panel: Panel | None,
               as_target: bool) -> pd.DataFrame:
    """Every other actor's leverage over ``actor`` (as_target) or ``actor``'s over every other."""
    tensor, t, year, (code,) = _context(panel, model, year, actor)
    k = tensor.index(code)
    if not tensor.exists[t, k]:
        raise SuasionError(f"{code} is not a separate actor in {year}")
    others = np.nonzero(tensor.exists[t])[0]
    others = others[others != k]
    same = np.full_like(others, k)
    rows = _rows(tensor, t, year, others, same) if as_target else _rows(tensor, t, year, same, others)
    return _ranked(rows, top)


def leverage_over(target: str, year: int | None = None, model: str = "suasion", top: int | None = None,
                  panel: Panel | None = None) -> pd.DataFrame:
    """Who holds leverage over ``target`` (a state or a bloc) in ``year``, strongest first.

    One row per source with ``rank, source, target, year, model, score``, one column per channel
    contribution (summing to ``score``), ``flags`` and ``data_years``.
    """
    return _one_actor(target, year, model, top, panel, as_target=True)


def leverage_of(source: str, year: int | None = None, model: str = "suasion", top: int | None = None,
                panel: Panel | None = None) -> pd.DataFrame:
    """Whom ``source`` (a state or a bloc) can move in ``year``, strongest first (same columns)."""
    return _one_actor(source, year, model, top, panel, as_target=False)


def dyad_history(a: str, b: str, model: str = "suasion", years: tuple[int, int] | None = None,
                 panel: Panel | None = None) -> pd.DataFrame:
    """Leverage of ``a`` over ``b`` and of ``b`` over ``a`` in every panel year (or ``years`` range)."""
    panel = _panel(panel)
    last = int(panel.years[-1])
    code_a, bloc_a = _resolve(a, last)
    code_b, bloc_b = _resolve(b, last)
    if code_a == code_b:
        raise SuasionError(f"a dyad needs two different actors, got {code_a} twice")
    blocs = tuple(c for c, is_b in ((code_a, bloc_a), (code_b, bloc_b)) if is_b)
    tensor = leverage_tensor(panel, model, blocs)
    i, j = tensor.index(code_a), tensor.index(code_b)
    frames = []
    for t, year in enumerate(tensor.years):
        if years is not None and not (years[0] <= year <= years[1]):
            continue
        if tensor.exists[t, i] and tensor.exists[t, j]:
            frames.append(_rows(tensor, t, int(year), np.array([i, j]), np.array([j, i])))
    if not frames:
        raise SuasionError(f"{code_a} and {code_b} never both exist as separate actors in the panel years")
    return pd.concat(frames, ignore_index=True)


def leverage_matrix(year: int | None = None, model: str = "suasion", panel: Panel | None = None) -> pd.DataFrame:
    """Square source x target matrix of scores for one year (states only)."""
    panel = _panel(panel)
    if year is None:
        year = default_year(panel, model)
    tensor, t = year_tensor(panel, int(year), model)
    alive = np.nonzero(tensor.exists[t])[0]
    names = [tensor.actors[i] for i in alive]
    return pd.DataFrame(tensor.score[t][np.ix_(alive, alive)], index=pd.Index(names, name="source"),
                        columns=pd.Index(names, name="target"))


def leverage_sensitivity(target: str, year: int | None = None, model: str = "suasion", draws: int = 1000,
                         concentration: float = 100.0, seed: int = 0, top: int | None = None,
                         panel: Panel | None = None) -> pd.DataFrame:
    """Rank intervals of every source over ``target`` when channel weights are uncertain.

    See :func:`suasion.leverage.sensitivity.rank_intervals`.
    """
    from suasion.leverage.sensitivity import rank_intervals

    tensor, t, year, (code,) = _context(panel, model, year, target)
    j = tensor.index(code)
    sources = np.nonzero(tensor.exists[t])[0]
    sources = sources[sources != j]
    table = rank_intervals(tensor, t, sources, j, draws=draws, concentration=concentration, seed=seed)
    table.insert(1, "target", code)
    table.insert(2, "year", year)
    table.insert(3, "model", tensor.version)
    return table if top is None else table.head(int(top))
