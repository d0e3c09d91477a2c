"""The public API calls behind the pages, with their results kept in memory.

Every function here calls the public Python API exactly as the CLI does and returns its result
unchanged. Results are kept (least recently used first out, ``CACHE_SIZE`` per function) because
the same view is asked for again and again (a shared link, a page and its download, htmx swaps),
and a leverage query over the bundled panel takes 0.1-0.6 s. The key includes the panel in use,
so adding or removing a user channel (which makes ``load_panel`` return a new panel) starts afresh.
Callers must not modify what they get back.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

CACHE_SIZE = 128
SENSITIVITY_DRAWS = 200

T = TypeVar("T")


def _panel_key() -> int:
    from suasion.panel import load_panel

    return id(load_panel())


def kept(function: Callable[..., T]) -> Callable[..., T]:
    """Keep the last ``CACHE_SIZE`` results of ``function`` by arguments and panel. User errors
    are not kept (they are cheap and their message may depend on the data)."""
    store: OrderedDict[tuple, Any] = OrderedDict()
    lock = threading.Lock()

    @wraps(function)
    def wrapper(*args: Any) -> T:
        key = (_panel_key(), *args)
        with lock:
            if key in store:
                store.move_to_end(key)
                return store[key]
        value = function(*args)
        with lock:
            store[key] = value
            while len(store) > CACHE_SIZE:
                store.popitem(last=False)
        return value

    return wrapper


def panel_years() -> tuple[int, int]:
    from suasion.panel import load_panel

    years = load_panel().years
    return int(years[0]), int(years[-1])


@kept
def default_year(model: str) -> int:
    from suasion.leverage.api import default_year as api_default_year

    return api_default_year(model=model)


def resolve(actor: str, year: int | None = None) -> str:
    """ISO3 or bloc code of what a user typed (raises UnknownActorError with suggestions)."""
    from suasion.actors import resolve_actor

    return resolve_actor(actor, year=year)


@kept
def leverage_over(target: str, year: int, model: str) -> Any:
    import suasion

    return suasion.leverage_over(target, year, model=model)


@kept
def leverage_of(source: str, year: int, model: str) -> Any:
    import suasion

    return suasion.leverage_of(source, year, model=model)


@kept
def sensitivity(target: str, year: int, model: str) -> Any:
    import suasion

    return suasion.leverage_sensitivity(target, year, model=model, draws=SENSITIVITY_DRAWS)


@kept
def dyad_history(a: str, b: str, model: str) -> Any:
    import suasion

    return suasion.dyad_history(a, b, model=model)


@kept
def brokers(principal: str, target: str, year: int) -> Any:
    import suasion

    return suasion.brokers(principal, target, year)


@kept
def paths(principal: str, target: str, year: int, hops: int) -> Any:
    import suasion

    return suasion.influence_paths(principal, target, year, hops=hops, top=15)


@kept
def incentives(principal: str, broker: str, year: int) -> Any:
    import suasion

    return suasion.incentives(principal, broker, year)


@kept
def whatif(principal: str, target: str, changes: tuple[str, ...], year: int) -> Any:
    import suasion

    return suasion.whatif(principal, target, list(changes), year)


@kept
def matrix(year: int, model: str) -> Any:
    import suasion

    return suasion.leverage_matrix(year, model=model)


@kept
def data_sources() -> Any:
    from suasion.panel import data_sources as api_data_sources

    return api_data_sources()


@kept
def channels() -> Any:
    from suasion.panel import list_channels

    return list_channels()


EXAMPLE_SCENARIO = "eu_turkey_pakistan.yaml"
MAX_SCENARIO_BYTES = 1_000_000


def example_scenario_text() -> str:
    from importlib import resources

    return resources.files("suasion.bargaining").joinpath(f"data/examples/{EXAMPLE_SCENARIO}").read_text()


@kept
def scenario(text: str, name: str, fmt: str | None) -> Any:
    """A scenario read from uploaded or edited text by :func:`suasion.read_scenario` (written to a
    temporary file named ``name``, whose suffix helps detect the format, and removed after)."""
    import tempfile
    from pathlib import Path

    import suasion

    with tempfile.TemporaryDirectory(prefix="suasion-scenario-") as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        return suasion.read_scenario(path, fmt)


@kept
def forecasts(text: str, name: str, fmt: str | None, runs: int) -> Any:
    """Every model's forecast of every issue, with Monte Carlo intervals when ``runs`` > 0."""
    import pandas as pd

    import suasion
    from suasion.bargaining.registry import MODELS

    scen = scenario(text, name, fmt)
    return pd.concat([suasion.forecast(scen, model, runs=runs) for model in MODELS], ignore_index=True)


@kept
def exchanges(text: str, name: str, fmt: str | None, actor: str) -> Any:
    import suasion

    return suasion.exchanges(scenario(text, name, fmt), actor)
