"""The negotiation scenario: actors with capability, issues with a scale, positions and saliences.

One schema serves every model (reference notes, bargaining-models.md §1 and §10): per actor *i* and
issue *d* a position ``x_id`` on the issue's scale, a salience ``s_id`` in [0, 1] and a capability
``c_id`` > 0 (capability may differ by issue, as in the Decide files). An actor that does not take
part in an issue has NaN position and salience there. Issues carry a scale (default 0–100), an
optional status quo (reference point) and, for backtests, an optional known outcome. Issues may be
grouped (``group``: the DEU proposal, a KTAB multi-dimensional scenario) — the exchange model trades
only between issues of the same group, and the spatial model treats a group as one policy space.

Arrays are dense (actors × issues); :meth:`Scenario.to_frame` gives the tidy long view.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from suasion.errors import InputFileError, SuasionError


class ScenarioError(InputFileError):
    """A scenario input that is malformed; the message names the file, the row and the column."""


class ModelSettingError(SuasionError, ValueError):
    """A model option that does not exist or is out of range."""


@dataclass(frozen=True, eq=False)
class Scenario:
    """Actors × issues arrays of a negotiation (see the module docstring for the meaning)."""

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    position: np.ndarray            # (A, I), NaN = actor not taking part
    salience: np.ndarray            # (A, I), in [0, 1]
    capability: np.ndarray          # (A, I), >= 0
    scale: np.ndarray               # (I, 2) lower, upper bound of each issue's scale
    status_quo: np.ndarray          # (I,) NaN = none
    outcome: np.ndarray             # (I,) NaN = unknown
    group: tuple[str, ...]          # (I,) issue group (proposal / policy space)
    name: str = "scenario"
    description: str = ""
    source: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ views
    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def n_issues(self) -> int:
        return len(self.issues)

    @property
    def participates(self) -> np.ndarray:
        """(A, I) boolean: the actor has both a position and a salience on the issue."""
        return np.isfinite(self.position) & np.isfinite(self.salience)

    def issue_index(self, issue: str) -> int:
        try:
            return self.issues.index(issue)
        except ValueError:
            raise SuasionError(f"unknown issue {issue!r} in scenario {self.name!r}; "
                               f"issues are {', '.join(self.issues[:12])}"
                               + (" ..." if self.n_issues > 12 else "")) from None

    def actor_index(self, actor: str) -> int:
        if actor in self.actors:
            return self.actors.index(actor)
        lowered = {a.lower(): k for k, a in enumerate(self.actors)}
        if actor.lower() in lowered:
            return lowered[actor.lower()]
        import difflib

        close = difflib.get_close_matches(actor, self.actors, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        from suasion.errors import UnknownActorError

        raise UnknownActorError(f"unknown actor {actor!r} in scenario {self.name!r}{hint}")

    def groups(self) -> dict[str, list[int]]:
        """Issue indices per group, in first-seen order."""
        out: dict[str, list[int]] = {}
        for k, g in enumerate(self.group):
            out.setdefault(g, []).append(k)
        return out

    def subset(self, issues: Sequence[int]) -> Scenario:
        """The scenario restricted to some issues (by index), actors kept."""
        idx = list(issues)
        return replace(self, issues=tuple(self.issues[k] for k in idx),
                       position=self.position[:, idx], salience=self.salience[:, idx],
                       capability=self.capability[:, idx], scale=self.scale[idx],
                       status_quo=self.status_quo[idx], outcome=self.outcome[idx],
                       group=tuple(self.group[k] for k in idx))

    def with_capability(self, capability: np.ndarray) -> Scenario:
        cap = np.asarray(capability, dtype=float)
        if cap.ndim == 1:
            cap = np.repeat(cap[:, None], self.n_issues, axis=1)
        return replace(self, capability=cap)

    def to_frame(self) -> pd.DataFrame:
        """Tidy long view: one row per participating actor and issue."""
        a_idx, i_idx = np.nonzero(self.participates)
        return pd.DataFrame({
            "actor": [self.actors[a] for a in a_idx],
            "issue": [self.issues[i] for i in i_idx],
            "position": self.position[a_idx, i_idx],
            "salience": self.salience[a_idx, i_idx],
            "capability": self.capability[a_idx, i_idx],
        })

    def issues_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"issue": list(self.issues), "group": list(self.group),
                             "scale_min": self.scale[:, 0], "scale_max": self.scale[:, 1],
                             "status_quo": self.status_quo, "outcome": self.outcome})


# ---------------------------------------------------------------------- building with validation
@dataclass
class Row:
    """One input record, remembered with where it came from so errors can name it."""

    actor: str
    issue: str
    position: Any
    salience: Any
    line: int | None = None
    capability: Any = None


def _number(value: Any, *, path: str, line: int | None, column: str, what: str) -> float:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        raise ScenarioError(path, f"missing {what}", line, column)
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ScenarioError(path, f"{what} {value!r} is not a number", line, column) from None
    if math.isnan(out):
        raise ScenarioError(path, f"missing {what}", line, column)
    if math.isinf(out):
        raise ScenarioError(path, f"{what} {value!r} is not finite", line, column)
    return out


def build_scenario(rows: Iterable[Row], capabilities: Mapping[str, Any] | None, *, path: str,
                   name: str = "scenario", description: str = "",
                   issue_scales: Mapping[str, tuple[float, float]] | None = None,
                   status_quo: Mapping[str, Any] | None = None,
                   outcomes: Mapping[str, Any] | None = None,
                   groups: Mapping[str, str] | None = None,
                   salience_scale: str = "auto",
                   actor_lines: Mapping[str, int] | None = None,
                   default_scale: tuple[float, float] = (0.0, 100.0),
                   meta: Mapping[str, Any] | None = None) -> Scenario:
    """Validate records and assemble a :class:`Scenario`.

    Checks, each a :class:`ScenarioError` naming the file, line and column: missing or non-numeric
    values, positions outside the issue's scale, saliences outside [0, 1] (or [0, 100] when the file
    is on that scale: ``salience_scale='auto'`` takes 0–100 as soon as one salience exceeds 1),
    negative capabilities, actors absent from the capability table, duplicate actor–issue pairs.
    """
    rows = list(rows)
    if not rows:
        raise ScenarioError(path, "no actor-issue records found")
    issue_scales = dict(issue_scales or {})
    if salience_scale not in {"auto", "unit", "percent"}:
        raise ModelSettingError(f"salience_scale must be auto, unit or percent, not {salience_scale!r}")
    from suasion.bargaining.builder import PLACEHOLDER, PlaceholderError

    holes = []
    for r in rows:
        fields = [what for what, v in (("position", r.position), ("salience", r.salience),
                                       ("capability", r.capability))
                  if isinstance(v, str) and v.strip().upper() == PLACEHOLDER]
        if fields:
            where = f"line {r.line}: " if r.line else ""
            holes.append(f"{where}{' and '.join(fields)} of {r.actor} on issue {r.issue!r}")
    if holes:
        raise PlaceholderError(path, f"still holds {PLACEHOLDER} in {len(holes)} place{'s' if len(holes) > 1 else ''}; "
                               "fill in " + "; ".join(holes))
    sal_values = []
    for r in rows:
        r.position = _number(r.position, path=path, line=r.line, column="position", what="position")
        r.salience = _number(r.salience, path=path, line=r.line, column="salience", what="salience")
        sal_values.append(r.salience)
    if salience_scale == "auto":
        salience_scale = "percent" if max(sal_values) > 1.0 else "unit"
    top = 100.0 if salience_scale == "percent" else 1.0
    actors: list[str] = []
    issues: list[str] = []
    for r in rows:
        if not r.actor:
            raise ScenarioError(path, "missing actor name", r.line, "actor")
        if not r.issue:
            raise ScenarioError(path, "missing issue name", r.line, "issue")
        if r.actor not in actors:
            actors.append(r.actor)
        if r.issue not in issues:
            issues.append(r.issue)
    if capabilities is not None:
        for a in actors:
            if a not in capabilities:
                line = next(r.line for r in rows if r.actor == a)
                import difflib

                close = difflib.get_close_matches(a, list(capabilities), n=2)
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                raise ScenarioError(path, f"unknown actor {a!r}: not in the actors/capability table{hint}",
                                    line, "actor")
        # actors listed with capability but without any position still exist
        for a in capabilities:
            if a not in actors:
                actors.append(a)
    A, I = len(actors), len(issues)
    a_of = {a: k for k, a in enumerate(actors)}
    i_of = {d: k for k, d in enumerate(issues)}
    pos = np.full((A, I), np.nan)
    sal = np.full((A, I), np.nan)
    cap = np.full((A, I), np.nan)
    scale = np.array([issue_scales.get(d, default_scale) for d in issues], dtype=float)
    for d, (lo, hi) in zip(issues, scale):
        if not hi > lo:
            raise ScenarioError(path, f"issue {d!r}: scale upper bound {hi:g} must exceed lower {lo:g}")
    for r in rows:
        a, d = a_of[r.actor], i_of[r.issue]
        if np.isfinite(pos[a, d]):
            raise ScenarioError(path, f"duplicate record for actor {r.actor!r} on issue {r.issue!r}",
                                r.line)
        lo, hi = scale[d]
        if not lo - 1e-9 <= r.position <= hi + 1e-9:
            raise ScenarioError(path, f"position {r.position:g} of {r.actor!r} on issue {r.issue!r} is "
                                      f"outside the scale [{lo:g}, {hi:g}]", r.line, "position")
        if not 0.0 <= r.salience <= top:
            rng = "[0, 100]" if top == 100 else "[0, 1]"
            raise ScenarioError(path, f"salience {r.salience:g} of {r.actor!r} on issue {r.issue!r} is "
                                      f"outside {rng}", r.line, "salience")
        pos[a, d] = r.position
        sal[a, d] = r.salience / top
        if r.capability is not None and not (isinstance(r.capability, str) and not r.capability.strip()):
            c = _number(r.capability, path=path, line=r.line, column="capability", what="capability")
            if c < 0:
                raise ScenarioError(path, f"negative capability {c:g}", r.line, "capability")
            cap[a, d] = c
    if capabilities is not None:
        for a, c in capabilities.items():
            line = (actor_lines or {}).get(a)
            cv = _number(c, path=path, line=line, column="capability", what=f"capability of {a!r}")
            if cv < 0:
                raise ScenarioError(path, f"negative capability {cv:g} for actor {a!r}", line, "capability")
            row = cap[a_of[a]]
            row[np.isnan(row)] = cv
    missing = np.isnan(cap) & np.isfinite(pos)
    if missing.any():
        a, d = np.argwhere(missing)[0]
        line = next((r.line for r in rows if r.actor == actors[a] and r.issue == issues[d]), None)
        raise ScenarioError(path, f"no capability for actor {actors[a]!r} (give a capability column or "
                                  f"an actors table)", line, "capability")
    cap[np.isnan(cap)] = 0.0
    sq = np.array([_opt(status_quo, d, path, "status quo") for d in issues])
    out = np.array([_opt(outcomes, d, path, "outcome") for d in issues])
    grp = tuple(str((groups or {}).get(d, name)) for d in issues)
    return Scenario(actors=tuple(actors), issues=tuple(issues), position=pos, salience=sal,
                    capability=cap, scale=scale, status_quo=sq, outcome=out, group=grp, name=name,
                    description=description, source=path, meta=dict(meta or {}))


def _opt(mapping: Mapping[str, Any] | None, key: str, path: str, what: str) -> float:
    if not mapping or key not in mapping:
        return math.nan
    v = mapping[key]
    if v is None or (isinstance(v, str) and not v.strip()):
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        raise ScenarioError(path, f"{what} {v!r} of issue {key!r} is not a number") from None
