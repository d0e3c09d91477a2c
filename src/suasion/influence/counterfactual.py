"""What-if: change the panel, recompute leverage, brokers and paths, and compare.

Change expressions (one per ``--change`` or per line of a file; ``#`` starts a comment)::

    SOURCE>TARGET CHANNEL CHANGE [in YEAR]      a directed flow: EU>TUR trade +20%
    A-B CHANNEL CHANGE [in YEAR]                both directions: TUR-PAK exercises +2
    new CHANNEL A-B [in YEAR]                   one more tie: new dca TUR-PAK
    new CHANNEL SOURCE>TARGET [in YEAR]         new alliance USA>PAK (a pledge from USA to PAK)

``CHANGE`` is ``+N%`` / ``-N%`` (relative), ``+N`` / ``-N`` (absolute, in the channel's unit:
USD m, TIV, count) or ``=N`` (set). Actors are codes or names without spaces (write
``Saudi_Arabia`` or ``SAU``). Channels: ``trade`` (= ``exports``, goods from source to target),
``aid`` (``oda``), ``finance`` (``oof``), ``arms`` (``arms_tiv``), ``dca`` (``defence
cooperation agreement``), ``exercises``, ``alliance`` (``atop_defense``), ``troops``
(``us_troops``), ``visits``, any other panel channel or user channel. Symmetric channels change
in both directions. A bloc side applies the change to each member's flow: relative changes scale
every member's flow, absolute changes are split in proportion to the members' current flows
(equally when all are zero), and a new tie binds every member.

Changes are applied to a copy of the panel; the bundled panel is never modified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from suasion.errors import InputFileError, SuasionError
from suasion.panel.schema import CHANNELS_BY_NAME
from suasion.panel.store import Panel

SYNTAX = ("expected 'SOURCE>TARGET CHANNEL +N%|-N%|+N|-N|=N [in YEAR]', 'A-B CHANNEL CHANGE' or "
          "'new CHANNEL A-B', e.g. \"EU>TUR trade +20%\", \"USA>PAK aid -50%\", \"new dca TUR-PAK\"")

ALIASES: dict[str, str] = {
    "trade": "exports", "exports": "exports", "aid": "oda", "oda": "oda", "finance": "oof", "oof": "oof",
    "loans": "oof", "arms": "arms_tiv", "arms_tiv": "arms_tiv", "dca": "dca",
    "defence cooperation agreement": "dca", "defense cooperation agreement": "dca",
    "defence cooperation": "dca", "exercise": "exercises", "exercises": "exercises",
    "alliance": "atop_defense", "defence pledge": "atop_defense", "troops": "us_troops",
    "us_troops": "us_troops", "visits": "visits", "visit": "visits",
}

_ACTOR = r"[^\s>\-–→]+"
_PAIR = rf"(?P<a>{_ACTOR})\s*(?P<dir>>|→|-|–)\s*(?P<b>{_ACTOR})"
_CHANGE_RE = re.compile(rf"^{_PAIR}\s+(?P<channel>[A-Za-z_ ]+?)\s+(?P<change>[+\-−=]\s*\d+(?:\.\d+)?\s*%?)"
                        r"(?:\s+in\s+(?P<year>\d{4}))?$", re.IGNORECASE)
_NEW_RE = re.compile(rf"^new\s+(?P<channel>[A-Za-z_ ]+?)\s+{_PAIR}(?:\s+in\s+(?P<year>\d{{4}}))?$", re.IGNORECASE)


class ChangeSyntaxError(SuasionError, ValueError):
    """A change expression that cannot be parsed."""


@dataclass(frozen=True)
class Change:
    """One parsed change to the panel."""

    expression: str
    source: str
    target: str
    both_directions: bool
    channel: str
    kind: str                     # "relative", "absolute", "set", "new"
    amount: float
    year: int | None


def parse_change(expression: str, channels: tuple[str, ...] | None = None) -> Change:
    """Parse one change expression; raises :class:`ChangeSyntaxError` showing the expected syntax."""
    text = " ".join(expression.strip().split())
    m = _NEW_RE.match(text) or _CHANGE_RE.match(text)
    if not m:
        raise ChangeSyntaxError(f"cannot read change {expression!r}: {SYNTAX}")
    raw_channel = m.group("channel").strip().lower()
    channel = ALIASES.get(raw_channel, raw_channel.replace(" ", "_"))
    known = tuple(channels) if channels is not None else tuple(CHANNELS_BY_NAME)
    if channel not in known:
        raise ChangeSyntaxError(f"unknown channel {raw_channel!r} in {expression!r}; channels: "
                                f"{', '.join(sorted(set(ALIASES) | set(known)))}")
    both = m.group("dir") in ("-", "–") or bool(CHANNELS_BY_NAME.get(channel) and CHANNELS_BY_NAME[channel].symmetric)
    year = int(m.group("year")) if m.group("year") else None
    a, b = m.group("a").replace("_", " "), m.group("b").replace("_", " ")
    if "change" not in m.groupdict() or m.groupdict().get("change") is None:
        return Change(expression, a, b, both, channel, "new", 1.0, year)
    change = m.group("change").replace(" ", "").replace("−", "-")
    if change.startswith("="):
        return Change(expression, a, b, both, channel, "set", float(change[1:]), year)
    if change.endswith("%"):
        return Change(expression, a, b, both, channel, "relative", float(change[:-1]) / 100.0, year)
    return Change(expression, a, b, both, channel, "absolute", float(change), year)


def read_changes(path: str | Path, channels: tuple[str, ...] | None = None) -> list[Change]:
    """Change expressions from a text file, one per line; errors name the file and line."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(str(path), "no such file")
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            out.append(parse_change(text, channels))
        except ChangeSyntaxError as exc:
            raise InputFileError(str(path), str(exc), line=number) from None
    if not out:
        raise InputFileError(str(path), "no change expressions in the file")
    return out


def _members(code: str, year: int, panel: Panel) -> list[int]:
    from suasion.actors import bloc_members, is_bloc

    if is_bloc(code):
        return [panel.actor_index(m) for m in sorted(bloc_members(code, year)) if m in panel.actors]
    return [panel.actor_index(code)]


def apply_changes(panel: Panel, changes: list[Change], year: int) -> tuple[Panel, pd.DataFrame]:
    """A copy of ``panel`` with ``changes`` applied, and a table of what changed."""
    from suasion.actors import resolve_actor

    arrays: dict[str, np.ndarray] = {}
    report = []
    for ch in changes:
        y = ch.year if ch.year is not None else year
        t = panel.year_index(y)
        src = resolve_actor(ch.source, year=y)
        dst = resolve_actor(ch.target, year=y)
        if src == dst:
            raise ChangeSyntaxError(f"{ch.expression!r}: source and target are both {src}")
        a_idx, b_idx = _members(src, y, panel), _members(dst, y, panel)
        values = arrays.setdefault(ch.channel, np.array(panel.values[ch.channel], copy=True))
        pairs = [(a, b) for a in a_idx for b in b_idx if a != b]
        if ch.both_directions:
            pairs += [(b, a) for a, b in pairs]
        pairs = [(a, b) for a, b in pairs if panel.exists[t, a] and panel.exists[t, b]]
        if not pairs:
            raise SuasionError(f"{ch.expression!r}: no pair of existing states to change in {y}")
        rows, cols = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
        before = np.nan_to_num(values[t, rows, cols])
        if ch.kind == "relative":
            after = before * (1.0 + ch.amount)
        elif ch.kind == "set":
            after = np.full_like(before, ch.amount)
        elif ch.kind == "new":
            after = np.maximum(before, 1.0) if ch.channel.startswith("atop_") else before + 1.0
        else:
            groups = 2 if ch.both_directions else 1
            weights = before / before.sum() if before.sum() > 0 else np.full_like(before, 1.0 / len(before))
            after = before + ch.amount * weights * groups
        if (after < 0).any():
            after = np.maximum(after, 0.0)
        values[t, rows, cols] = after
        report.append({"change": ch.expression, "source": src, "target": dst, "channel": ch.channel,
                       "year": y, "cells": len(pairs), "before": float(before.sum()), "after": float(after.sum())})
    return panel.with_values(**arrays), pd.DataFrame(report)


@dataclass
class WhatIfResult:
    """Before/after tables of a what-if run."""

    changes: pd.DataFrame
    leverage: pd.DataFrame
    brokers: pd.DataFrame
    paths: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _compare(before: pd.DataFrame, after: pd.DataFrame, key: str, value: str) -> pd.DataFrame:
    b = before.set_index(key)[[value, "rank"]].rename(columns={value: "before", "rank": "rank_before"})
    a = after.set_index(key)[[value, "rank"]].rename(columns={value: "after", "rank": "rank_after"})
    out = b.join(a, how="outer")
    out[["before", "after"]] = out[["before", "after"]].fillna(0.0)
    out["change"] = out["after"] - out["before"]
    out = out.reset_index().sort_values(["after", "before"], ascending=False, kind="stable")
    return out[[key, "before", "after", "change", "rank_before", "rank_after"]].reset_index(drop=True)


def whatif(principal: str, target: str, changes: list[str | Change], year: int | None = None,
           hops: int = 3, panel: Panel | None = None) -> WhatIfResult:
    """Apply ``changes`` to a copy of the panel and compare leverage over ``target``, the brokers
    between ``principal`` and ``target``, and the direct and indirect influence of P over T."""
    from suasion.influence.brokerage import brokers, resolve_pair
    from suasion.influence.paths import influence_paths
    from suasion.leverage.api import leverage_over

    panel, year, p, t, _ = resolve_pair(principal, target, year, panel)
    if not changes:
        raise SuasionError(f"no change given: {SYNTAX}")
    parsed = [c if isinstance(c, Change) else parse_change(c, tuple(panel.channels)) for c in changes]
    changed, report = apply_changes(panel, parsed, year)

    lev_b = leverage_over(t, year, panel=panel)
    lev_a = leverage_over(t, year, panel=changed)
    notes = []
    try:
        br_b = brokers(p, t, year, panel=panel)
    except SuasionError:
        br_b = pd.DataFrame(columns=["broker", "score", "rank"])
    try:
        br_a = brokers(p, t, year, panel=changed)
    except SuasionError as exc:
        br_a = pd.DataFrame(columns=["broker", "score", "rank"])
        notes.append(str(exc))
    rows = []
    for label, pan in (("before", panel), ("after", changed)):
        try:
            paths = influence_paths(p, t, year, hops=hops, panel=pan, top=1)
            rows.append({"state": label, "direct": paths.attrs["direct"], "indirect": paths.attrs["indirect"],
                         "strongest route": paths["path"].iloc[0]})
        except SuasionError:
            rows.append({"state": label, "direct": 0.0, "indirect": 0.0, "strongest route": ""})
    return WhatIfResult(report, _compare(lev_b, lev_a, "source", "score"),
                        _compare(br_b, br_a, "broker", "score"), pd.DataFrame(rows), notes)
