"""The scenario builder: a YAML scenario with capabilities from the panel and placeholders for the
analyst.

``new_scenario(["EU", "TUR", "PAK"], "talks", measure="cinc")`` returns the text of a scenario file:

* **capabilities** pre-filled from the bundled panel, with the measure and its year stated in the file:
  ``cinc`` (COW NMC v7 composite index of national capability; a bloc gets the sum over its member
  states that year), ``gdp`` (WDI, USD m; a bloc: the sum), or ``leverage`` (each actor's leverage
  score over ``target`` from :func:`suasion.dyad_history`; the target's own capability is left to
  the analyst);
* **positions and saliences** of every actor on the issue left as the placeholder ``FILL``.

A scenario that still holds a ``FILL`` is refused by :func:`suasion.read_scenario` with the list of
the cells to fill (:class:`PlaceholderError`). The year of ``cinc``/``gdp`` defaults to the latest
year in which the measure is observed (not carried forward) for every state involved.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from suasion.bargaining.scenario import ModelSettingError, ScenarioError

PLACEHOLDER = "FILL"
MEASURES = ("cinc", "gdp", "leverage")
MEASURE_TEXT = {
    "cinc": "CINC (COW National Material Capabilities v7, share of world capability)",
    "gdp": "GDP (World Bank WDI, current USD m)",
    "leverage": "leverage score over {target} (model {model})",
}


class PlaceholderError(ScenarioError):
    """A scenario that still holds placeholders; the message lists every cell to fill."""


def _members(code: str, year: int) -> list[str]:
    from suasion.actors import bloc_members, is_bloc

    return sorted(bloc_members(code, year)) if is_bloc(code) else [code]


def _monadic_year(panel, measure: str, codes: Sequence[str]) -> int:
    """Latest panel year in which ``measure`` is observed for every state in ``codes`` (blocs: members)."""
    values = panel.monadic_year[measure]
    for t in range(len(panel.years) - 1, -1, -1):
        year = int(panel.years[t])
        states = [m for c in codes for m in _members(c, year)]
        idx = [panel.actor_index(m) for m in states]
        if idx and np.all(values[t, idx] == year):
            return year
    raise ModelSettingError(f"no year in which {measure} is observed for all of {', '.join(codes)}; give --year")


def capability_values(actors: Sequence[str], measure: str = "cinc", *, year: int | None = None,
                      target: str | None = None, model: str = "suasion") -> tuple[dict[str, float | None], int, str]:
    """Capability per actor code (None = for the analyst), the year used and the measure's description."""
    from suasion.actors import resolve_actor
    from suasion.panel import load_panel

    if measure not in MEASURES:
        raise ModelSettingError(f"unknown capability measure {measure!r}; choose from {', '.join(MEASURES)}")
    panel = load_panel()
    last = int(panel.years[-1])
    codes = [resolve_actor(a, year=year or last) for a in actors]
    if len(set(codes)) != len(codes):
        dup = next(c for c in codes if codes.count(c) > 1)
        raise ModelSettingError(f"actor {dup} is listed twice")
    if measure == "leverage":
        if target is None:
            raise ModelSettingError("the leverage measure needs a target (--target CODE): leverage over whom?")
        from suasion.leverage.api import default_year, dyad_history

        tgt = resolve_actor(target, year=year or last)
        year = int(year) if year is not None else default_year(panel)
        panel.year_index(year)
        out: dict[str, float | None] = {}
        for code in codes:
            if code == tgt:
                out[code] = None
                continue
            hist = dyad_history(code, tgt, model=model, years=(year, year), panel=panel)
            row = hist[(hist["source"] == code) & (hist["year"] == year)]
            out[code] = float(row["score"].iloc[0]) if len(row) else None
            version = str(row["model"].iloc[0]) if len(row) and "model" in row else model
        return out, year, MEASURE_TEXT["leverage"].format(target=tgt, model=version)
    for code in codes:                                    # every state must be in the panel
        for m in _members(code, year or last):
            panel.actor_index(m)
    year = int(year) if year is not None else _monadic_year(panel, measure, codes)
    t = panel.year_index(year)
    values = panel.monadic[measure][t]
    out = {}
    for code in codes:
        vals = values[[panel.actor_index(m) for m in _members(code, year)]]
        out[code] = float(np.nansum(vals)) if np.isfinite(vals).any() else None
    return out, year, MEASURE_TEXT[measure]


def new_scenario(actors: Sequence[str], issue: str, measure: str = "cinc", *, year: int | None = None,
                 target: str | None = None, name: str | None = None, model: str = "suasion") -> str:
    """The text of a YAML scenario to complete (module docstring)."""
    import re

    if not issue or not re.fullmatch(r"[A-Za-z0-9_.\-]+", issue):
        raise ModelSettingError(f"issue name {issue!r}: use letters, digits, '_', '-' or '.'")
    caps, year, text = capability_values(actors, measure, year=year, target=target, model=model)
    width = max(len(c) for c in caps)
    lines = [
        f"# Scenario for suasion: replace every {PLACEHOLDER} by a number, then run `suasion forecast FILE`.",
        "# positions: on the issue's scale (say what its ends mean); saliences: 0 (indifferent) to 1 (top priority).",
        f"# capability: {text}, {year}, pre-filled from the bundled panel; edit if you have better figures.",
        f"name: {name or issue}",
        f"description: {issue} — actors {', '.join(caps)}",
        f"capability_measure: {text}, {year}",
        "actors:",
    ]
    for code, value in caps.items():
        shown = PLACEHOLDER if value is None else (f"{value:.0f}" if value >= 1e5 else f"{value:.6g}")
        note = ""
        if value is None:
            note = "  # the target itself: give its capability" if measure == "leverage" else "  # no panel value"
        elif len(_members(code, year)) > 1:
            note = f"  # sum over the {len(_members(code, year))} member states in {year}"
        lines.append(f"  {code}: {shown}{note}")
    lines += [
        "issues:",
        f"  - name: {issue}",
        "    scale: [0, 100]          # what do 0 and 100 mean?",
        "    status_quo: null         # optional: the position if nothing is agreed",
        "    positions:               # actor: [position, salience]",
    ]
    lines += [f"      {code}:{' ' * (width - len(code))} [{PLACEHOLDER}, {PLACEHOLDER}]" for code in caps]
    return "\n".join(lines) + "\n"


def placeholder_cells(text: str) -> list[str]:
    """Every cell of a YAML scenario that still holds the placeholder, as ``line N: <which cells>``
    (a position and a salience on the same line are named together)."""
    import yaml

    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []                    # the reader reports the syntax error
    found: dict[tuple[int, tuple[str, ...]], list[str]] = {}

    def walk(node, where: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, (*where, str(key.value)))
        elif isinstance(node, yaml.SequenceNode):
            in_positions = len(where) >= 2 and where[-2] == "positions"
            for k, item in enumerate(node.value):
                label = str(k)
                if in_positions and k < 2:
                    label = ("position", "salience")[k]
                elif isinstance(item, yaml.MappingNode):
                    label = next((str(v.value) for key, v in item.value if key.value == "name"), label)
                walk(item, (*where, label))
        elif isinstance(node, yaml.ScalarNode) and node.style is None \
                and str(node.value).strip().upper() == PLACEHOLDER:
            found.setdefault((node.start_mark.line + 1, where[:-1]), []).append(where[-1])

    walk(root, ())
    return [f"line {line}: {_describe(where, fields)}" for (line, where), fields in found.items()]


def _describe(where: tuple[str, ...], fields: list[str]) -> str:
    if len(where) == 4 and where[0] == "issues" and where[2] == "positions":
        return f"{' and '.join(fields)} of {where[3]} on issue {where[1]!r}"
    if len(where) == 1 and where[0] == "actors":
        return f"capability of {fields[0]}"
    return "/".join((*where, *fields))


def refuse_placeholders(text: str, path: str) -> None:
    """:class:`PlaceholderError` listing the cells when ``text`` still holds placeholders."""
    cells = placeholder_cells(text)
    if cells:
        raise PlaceholderError(path, f"still holds {PLACEHOLDER} in {len(cells)} place{'s' if len(cells) > 1 else ''}; "
                                     "fill in " + "; ".join(cells))
