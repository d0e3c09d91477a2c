"""The register as a panel channel: engagements become a yearly dyadic flow from the register's
own side (the *principal*, a register setting such as GBR or EU) to each partner, which the
leverage models, brokers and what-if read as a user channel.

For principal P, partner p and year y::

    value(P -> p, y) = sum over engagements e with p among its partners, status in S, year(e) = y
                       of  w_type(e) * w_level(e)

``year(e)`` is the year the engagement starts, or one fixed panel year for all (``year=``:
this year's plan set against the latest panel year, since the bundled panel ends in 2024).
``S`` is the chosen statuses (default planned, approved, executed; ``executed`` includes
engagements that were executed and then assessed). The weights are those of the intensity
index (:data:`vocab.TYPE_WEIGHT`, :data:`vocab.LEVEL_WEIGHT`) unless a weights file replaces
some of them. A multi-partner engagement counts fully towards each partner, as in the
trajectory index. A bloc principal is one actor in the leverage models only as the sum of its
members' flows, so its value is split equally over its members that year (the collapsed bloc
then carries the whole value); partners that belong to the principal (itself, or a member of a
principal bloc) are left out.

Only engagements the caller may see enter (the records come from the caller's register view),
and the channel carries the highest marking among the engagements it was built from: the
marking is stored in the channel's metadata and shown by ``suasion data channels``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from suasion.engagements.errors import InvalidRecordError
from suasion.engagements.schemas import EngagementOut
from suasion.engagements.vocab import LEVEL_WEIGHT, TYPE_WEIGHT, EngagementType, Level, Status, type_alias
from suasion.errors import InputFileError, SuasionError

DEFAULT_STATUSES: tuple[Status, ...] = (Status.planned, Status.approved, Status.executed)
COLUMNS = ["source", "target", "year", "value", "engagements"]


def principal_code(actor: str) -> str:
    """The canonical code of the register's own side: an ISO3 state code or a bloc code."""
    from suasion.actors import resolve_actor

    if not isinstance(actor, str) or not actor.strip() or len(actor) > 80:
        raise InvalidRecordError(f"principal {actor!r}: give a state (ISO3 code or name) or a bloc such as EU")
    return resolve_actor(actor.strip())


def channel_statuses(values: Iterable[str | Status] | str | None) -> tuple[Status, ...]:
    """Statuses from a list or a comma-separated text; ``executed`` brings ``assessed`` along."""
    if values is None:
        chosen = list(DEFAULT_STATUSES)
    else:
        items = values.split(",") if isinstance(values, str) else list(values)
        chosen = []
        for item in items:
            text = str(getattr(item, "value", item)).strip()
            if not text:
                continue
            try:
                chosen.append(Status(text))
            except ValueError:
                raise InvalidRecordError(f"unknown status {text!r}; one of "
                                         f"{', '.join(s.value for s in Status)}") from None
    if not chosen:
        raise InvalidRecordError("give at least one status")
    if Status.executed in chosen and Status.assessed not in chosen:
        chosen.append(Status.assessed)
    return tuple(dict.fromkeys(chosen))


@dataclass(frozen=True)
class ChannelWeights:
    """Weight of one engagement = ``types[type] * levels[level]``."""

    types: Mapping[EngagementType, float] = field(default_factory=lambda: dict(TYPE_WEIGHT))
    levels: Mapping[Level, float] = field(default_factory=lambda: dict(LEVEL_WEIGHT))

    def of(self, e: EngagementOut) -> float:
        return float(self.types[e.type]) * float(self.levels[e.level])


def read_weights(path: str | Path) -> ChannelWeights:
    """Weights from a YAML or JSON file ``{types: {TYPE: w, ...}, levels: {LEVEL: w, ...}}``;
    types and levels left out keep their default weights. Weights are finite and >= 0."""
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(str(path), f"cannot read the file ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputFileError(str(path), f"not YAML or JSON ({getattr(exc, 'problem', exc)})",
                             line=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict) or set(data) - {"types", "levels"}:
        raise InputFileError(str(path), "expected a mapping with 'types' and/or 'levels', e.g. "
                             "{types: {exercise: 4}, levels: {ministerial: 3}}")
    types, levels = dict(TYPE_WEIGHT), dict(LEVEL_WEIGHT)
    for section, enum, target in (("types", EngagementType, types), ("levels", Level, levels)):
        given = data.get(section) or {}
        if not isinstance(given, dict):
            raise InputFileError(str(path), f"'{section}' must map names to weights")
        for name, weight in given.items():
            key = type_alias(str(name)) if enum is EngagementType else str(name)
            try:
                member = enum(key)
            except ValueError:
                raise InputFileError(str(path), f"{section}: unknown name {name!r}; one of "
                                     f"{', '.join(e.value for e in enum)}") from None
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) \
                    or not math.isfinite(weight) or weight < 0:
                raise InputFileError(str(path), f"{section}: weight of {name} must be a number >= 0, "
                                     f"got {weight!r}")
            target[member] = float(weight)
    return ChannelWeights(types, levels)


def _senders(principal: str, year: int) -> list[str]:
    from suasion.actors import bloc_members, is_bloc

    if not is_bloc(principal):
        return [principal]
    try:
        return sorted(bloc_members(principal, year))
    except SuasionError:
        return []


def build_channel(engagements: Sequence[EngagementOut], principal: str, *,
                  statuses: Iterable[Status] = DEFAULT_STATUSES, weights: ChannelWeights | None = None,
                  year: int | None = None) -> pd.DataFrame:
    """The channel rows ``source, target, year, value, engagements`` (module docstring).
    ``engagements`` are the records the caller may see; nothing else enters. The ids of the
    engagements that entered are in ``frame.attrs["engagement_ids"]``."""
    weights = weights or ChannelWeights()
    wanted = set(statuses)
    totals: dict[tuple[str, int], float] = defaultdict(float)
    ids: dict[tuple[str, int], list[int]] = defaultdict(list)
    for e in engagements:
        if e.status not in wanted:
            continue
        y = int(year) if year is not None else e.start_date.year
        w = weights.of(e)
        for partner in e.partners:
            totals[(partner, y)] += w
            ids[(partner, y)].append(e.id)
    rows, entered = [], set()
    for (partner, y), value in sorted(totals.items()):
        senders = _senders(principal, y)
        if partner == principal or partner in senders or not senders:
            continue  # the principal itself, or a member of a principal bloc
        entered.update(ids[(partner, y)])
        for source in senders:
            rows.append({"source": source, "target": partner, "year": y, "value": value / len(senders),
                         "engagements": len(ids[(partner, y)])})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame.attrs["engagement_ids"] = sorted(entered)
    return frame


@dataclass(frozen=True)
class EngagementChannel:
    """A channel built from the register: its rows, the principal, and the highest marking of the
    engagements that entered it (``marking``; the lowest marking when none did)."""

    frame: pd.DataFrame
    principal: str
    marking: str
    statuses: tuple[Status, ...]
    weights: ChannelWeights
    year: int | None = None
    entered: int = 0

    def describe(self) -> str:
        when = f"counted in {self.year}" if self.year is not None else "by start year"
        return (f"register engagements of {self.principal} ({', '.join(s.value for s in self.statuses)}; "
                f"{when}), weighted by type and level; marking {self.marking}")

    def save(self, name: str, *, weight: float = 0.1, description: str | None = None) -> pd.DataFrame:
        """Store the channel as user channel ``name`` (``suasion data channels`` lists it, with
        its marking); the leverage models, brokers and what-if then read it."""
        import tempfile

        from suasion.panel.store import add_user_channel, load_panel

        if self.frame.empty:
            raise InvalidRecordError("the channel is empty: no engagement you may see has the chosen statuses "
                                     "and a partner other than the principal")
        panel = load_panel(user_channels=False)
        first, last = int(panel.years[0]), int(panel.years[-1])
        outside = sorted({int(y) for y in self.frame["year"] if not first <= int(y) <= last})
        if outside:
            raise InvalidRecordError(f"the channel has years {', '.join(map(str, outside))}, outside the panel's "
                                     f"{first}-{last}; count the engagements in one panel year (year={last}, "
                                     f"--year {last}) to set them against the latest panel")
        unknown = sorted((set(self.frame["source"]) | set(self.frame["target"])) - set(panel.actors))
        if unknown:
            raise InvalidRecordError(f"not states of the panel: {', '.join(unknown)}")
        with tempfile.TemporaryDirectory(prefix="suasion-channel-") as tmp:
            path = Path(tmp) / f"{name}.csv"
            self.frame[["source", "target", "year", "value"]].to_csv(path, index=False)
            return add_user_channel(path, name, unit="weighted engagements", scale="count", weight=weight,
                                    description=description or self.describe(), marking=self.marking)

    def to_dict(self) -> dict[str, Any]:
        return {"principal": self.principal, "marking": self.marking,
                "statuses": [s.value for s in self.statuses], "year": self.year, "engagements": self.entered,
                "rows": self.frame.to_dict(orient="records")}
