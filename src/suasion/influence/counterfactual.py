"""What-if: change the panel, recompute leverage, brokers and paths, and compare.

Change expressions (one per ``--change`` or per line of a file; ``#`` starts a comment)::

    SOURCE>TARGET CHANNEL CHANGE [in YEAR]      a directed flow: EU>TUR trade +20%
    A-B CHANNEL CHANGE [in YEAR]                both directions: TUR-PAK exercises +2
    new CHANNEL A-B [in YEAR]                   one more tie: new dca TUR-PAK
    new CHANNEL SOURCE>TARGET [in YEAR]         new alliance USA>PAK (a pledge from USA to PAK)

``CHANGE`` is ``+N%`` / ``-N%`` (relative; a fall of more than 100 % is refused), ``+N`` /
``-N`` (absolute, in the channel's unit: USD m, TIV, persons, count; a flow may not go below 0)
or ``=N`` (set; 0/1 channels and the 0-1 diplomatic scale at most 1, trade-agreement depth at
most 7). Actors are codes or names without spaces (write ``Saudi_Arabia`` or ``SAU``).
Channels: ``trade`` (= ``exports``, goods from source to target), ``aid`` (``oda``),
``finance`` (``oof``), ``debt`` (``china_debt``), ``arms`` (``arms_tiv``), ``dca`` (``defence
cooperation agreement``), ``exercises``, ``alliance`` (``atop_defense``), ``troops``
(``us_troops``), ``visits``, ``remittances`` (sent from source to target), ``migrants`` (or
``diaspora``: the target's nationals living in the source), ``diplomacy`` (``diplomatic_rep``:
the source's representation in the target, 1 = ambassador), ``trade agreement``
(``pta_count``; depth ``pta_depth``), ``training`` (``us_training``: the target's personnel
trained by the source), any other panel channel or user channel. Symmetric channels change in
both directions. A bloc side applies the change to each member's flow: relative changes scale
every member's flow, absolute changes are split in proportion to the members' current flows
(equally when all are zero), and a new tie binds every member.

Changes are applied to a copy of the panel; the bundled panel is never modified. The result
reports each changed flow one direction at a time, and the leverage and pull each way between
the actors of every change, before and after.
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
    "loans": "oof", "lending": "oof", "debt": "china_debt", "china_debt": "china_debt",
    "arms": "arms_tiv", "arms_tiv": "arms_tiv", "dca": "dca",
    "defence cooperation agreement": "dca", "defense cooperation agreement": "dca",
    "defence cooperation": "dca", "exercise": "exercises", "exercises": "exercises",
    "alliance": "atop_defense", "defence pledge": "atop_defense", "troops": "us_troops",
    "us_troops": "us_troops", "visits": "visits", "visit": "visits",
    "remittances": "remittances", "remittance": "remittances", "migrants": "migrants", "diaspora": "migrants",
    "diplomacy": "diplomatic_rep", "representation": "diplomatic_rep", "diplomatic_rep": "diplomatic_rep",
    "diplomatic representation": "diplomatic_rep", "trade agreement": "pta_count", "pta": "pta_count",
    "pta_count": "pta_count", "trade agreement depth": "pta_depth", "pta_depth": "pta_depth",
    "training": "us_training", "us_training": "us_training",
}

#: Channels that hold the same value both ways: the schema's, and the second edition's trade
#: agreements (listed here too, so that what-if treats them right on panels built before them).
SYMMETRIC = {name for name, ch in CHANNELS_BY_NAME.items() if ch.symmetric} | {
    "pta_count", "pta_depth", "pta_fbic_index"}

#: Largest value a channel can hold (0/1 pledges, the 0-1 representation scale, DESTA depth).
UPPER_BOUND = {"atop_defense": 1.0, "atop_offense": 1.0, "atop_neutral": 1.0, "atop_nonagg": 1.0,
               "atop_consul": 1.0, "diplomatic_rep": 1.0, "pta_depth": 7.0}

_ACTOR = r"[^\s>\-–→]+"
_PAIR = rf"(?P<a>{_ACTOR})\s*(?P<dir>>|→|-|–)\s*(?P<b>{_ACTOR})"
_CHANGE_RE = re.compile(rf"^{_PAIR}\s+(?P<channel>[A-Za-z_ ]+?)\s+(?P<change>[+\-−=]\s*\d+(?:\.\d+)?\s*%?)"
                        r"(?:\s+in\s+(?P<year>\d{4}))?$", re.IGNORECASE)
_NEW_RE = re.compile(rf"^new\s+(?P<channel>[A-Za-z_ ]+?)\s+{_PAIR}(?:\s+in\s+(?P<year>\d{{4}}))?$", re.IGNORECASE)


class ChangeSyntaxError(SuasionError, ValueError):
    """A change expression that cannot be parsed or applied."""


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


def known_channels() -> tuple[str, ...]:
    """Every channel a panel may hold: the schema's, the second edition's and the user's."""
    from suasion.panel.store import user_channel_years

    return tuple(dict.fromkeys([*CHANNELS_BY_NAME, *ALIASES.values(), *user_channel_years()]))


def parse_change(expression: str, channels: tuple[str, ...] | None = None) -> Change:
    """Parse one change expression; raises :class:`ChangeSyntaxError` showing the expected syntax.

    ``channels``: the channel names allowed (default :func:`known_channels`).
    """
    text = " ".join(expression.strip().split())
    m = _NEW_RE.match(text) or _CHANGE_RE.match(text)
    if not m:
        raise ChangeSyntaxError(f"cannot read change {expression!r}: {SYNTAX}")
    raw_channel = m.group("channel").strip().lower()
    channel = ALIASES.get(raw_channel, raw_channel.replace(" ", "_"))
    known = tuple(channels) if channels is not None else known_channels()
    if channel not in known:
        offered = sorted({a for a, c in ALIASES.items() if c in known} | set(known))
        raise ChangeSyntaxError(f"unknown channel {raw_channel!r} in {expression!r}; channels: {', '.join(offered)}")
    both = m.group("dir") in ("-", "–") or channel in SYMMETRIC
    year = int(m.group("year")) if m.group("year") else None
    a, b = m.group("a").replace("_", " "), m.group("b").replace("_", " ")
    if m.groupdict().get("change") is None:
        return Change(expression, a, b, both, channel, "new", 1.0, year)
    change = m.group("change").replace(" ", "").replace("−", "-")
    if change.startswith("="):
        kind, amount = "set", float(change[1:])
    elif change.endswith("%"):
        kind, amount = "relative", float(change[:-1]) / 100.0
        if amount < -1.0:
            raise ChangeSyntaxError(f"{expression!r}: a flow cannot fall by more than 100% (it would be negative)")
    else:
        kind, amount = "absolute", float(change)
    if kind == "set" and amount > UPPER_BOUND.get(channel, np.inf):
        raise ChangeSyntaxError(f"{expression!r}: {channel} is at most {UPPER_BOUND[channel]:g}")
    return Change(expression, a, b, both, channel, kind, amount, year)


def read_changes(path: str | Path, channels: tuple[str, ...] | None = None) -> list[Change]:
    """Change expressions from a text file, one per line; errors name the file and line."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(str(path), "no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputFileError(str(path), "not a text file (UTF-8)") from None
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        expression = line.split("#", 1)[0].strip()
        if not expression:
            continue
        try:
            out.append(parse_change(expression, channels))
        except ChangeSyntaxError as exc:
            raise InputFileError(str(path), str(exc), line=number) from None
    if not out:
        raise InputFileError(str(path), "no change expressions in the file")
    return out


def member_indices(code: str, year: int, panel: Panel) -> list[int]:
    """Panel positions of a state, or of a bloc's members in ``year``."""
    from suasion.actors import bloc_members, is_bloc

    if is_bloc(code):
        return [panel.actor_index(m) for m in sorted(bloc_members(code, year)) if m in panel.actors]
    return [panel.actor_index(code)]


def apply_changes(panel: Panel, changes: list[Change], year: int) -> tuple[Panel, pd.DataFrame]:
    """A copy of ``panel`` with ``changes`` applied, and a table of what changed, one row per
    change and direction (``direction`` "A>B"; cells, total before and after)."""
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
        if ch.channel not in panel.values:
            raise ChangeSyntaxError(f"{ch.expression!r}: this panel has no channel {ch.channel!r}")
        a_idx, b_idx = member_indices(src, y, panel), member_indices(dst, y, panel)
        values = arrays.setdefault(ch.channel, np.array(panel.values[ch.channel], copy=True))
        directions = [(src, dst, a_idx, b_idx)] + ([(dst, src, b_idx, a_idx)] if ch.both_directions else [])
        cells = [[(a, b) for a in rows for b in cols if a != b and panel.exists[t, a] and panel.exists[t, b]]
                 for _, _, rows, cols in directions]
        if not any(cells):
            raise SuasionError(f"{ch.expression!r}: no pair of existing states to change in {y}")
        for (a_code, b_code, _, _), pairs in zip(directions, cells):
            if not pairs:
                continue
            rows, cols = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
            original = values[t, rows, cols]
            before = np.nan_to_num(original)
            after = _changed(ch, before)
            if (after < -1e-9 * max(1.0, float(np.abs(before).sum()))).any():
                raise ChangeSyntaxError(f"{ch.expression!r}: {a_code}>{b_code} {ch.channel} is "
                                        f"{before.sum():.6g}; the change would make it negative")
            after = np.maximum(after, 0.0)
            values[t, rows, cols] = np.where(np.isnan(original) & (after == 0), np.nan, after)
            report.append({"change": ch.expression, "direction": f"{a_code}>{b_code}", "channel": ch.channel,
                           "year": y, "cells": len(pairs), "before": float(before.sum()),
                           "after": float(after.sum())})
    return panel.with_values(**arrays), pd.DataFrame(report)


def _changed(ch: Change, before: np.ndarray) -> np.ndarray:
    if ch.kind == "relative":
        return before * (1.0 + ch.amount)
    if ch.kind == "set":
        return np.full_like(before, ch.amount)
    if ch.kind == "new":
        return np.maximum(before, 1.0) if ch.channel in UPPER_BOUND and UPPER_BOUND[ch.channel] == 1.0 \
            else before + 1.0
    # absolute: split over the cells of this direction in proportion to their flows
    weights = before / before.sum() if before.sum() > 0 else np.full_like(before, 1.0 / len(before))
    return before + ch.amount * weights


@dataclass
class WhatIfResult:
    """Before/after tables of a what-if run."""

    changes: pd.DataFrame          # one row per change and direction
    dyads: pd.DataFrame            # leverage and pull each way between the actors of each change
    leverage: pd.DataFrame         # leverage over the target
    brokers: pd.DataFrame
    paths: pd.DataFrame            # the principal's direct, two-hop and indirect reach
    notes: list[str] = field(default_factory=list)


def _compare(before: pd.DataFrame, after: pd.DataFrame, key: str, value: str) -> pd.DataFrame:
    b = before.set_index(key)[[value, "rank"]].rename(columns={value: "before", "rank": "rank_before"})
    a = after.set_index(key)[[value, "rank"]].rename(columns={value: "after", "rank": "rank_after"})
    out = b.join(a, how="outer")
    out[["before", "after"]] = out[["before", "after"]].fillna(0.0)
    out["change"] = out["after"] - out["before"]
    out[["rank_before", "rank_after"]] = out[["rank_before", "rank_after"]].astype("Int64")
    out = out.reset_index().sort_values(["after", "before"], ascending=False, kind="stable")
    return out[[key, "before", "after", "change", "rank_before", "rank_after"]].reset_index(drop=True)


def _marked(frame: pd.DataFrame) -> pd.DataFrame:
    """Leverage rows with blocs marked, as ``leverage over`` shows them ("NATO (bloc)")."""
    bloc = frame["actor_type"] == "bloc"
    return frame.assign(source=frame["source"].where(~bloc, frame["source"] + " (bloc)"))


def _pair_numbers(panel: Panel, year: int, a: str, b: str, model: str) -> dict[str, float]:
    """L and pull from ``a`` to ``b``, from the computation in which the blocs among them are one actor."""
    from suasion.actors import is_bloc
    from suasion.influence.network import influence_network

    net = influence_network(panel, year, tuple(c for c in (a, b) if is_bloc(c)), model)
    i, j = net.index(a), net.index(b)
    return {"leverage": float(net.leverage[i, j]), "pull": float(net.pull[i, j])}


def _dyads(panel: Panel, changed: Panel, year: int, report: pd.DataFrame, model: str) -> pd.DataFrame:
    rows = []
    for direction in dict.fromkeys(report["direction"]):
        a, b = direction.split(">")
        for src, dst in ((a, b), (b, a)):
            label = f"{src}>{dst}"
            if any(r["direction"] == label for r in rows):
                continue
            try:
                before, after = _pair_numbers(panel, year, src, dst, model), _pair_numbers(changed, year, src, dst, model)
            except SuasionError:
                continue                          # e.g. blocs that share members, or not both alive in the year
            rows.append({"direction": label, "leverage_before": before["leverage"],
                         "leverage_after": after["leverage"], "pull_before": before["pull"],
                         "pull_after": after["pull"]})
    return pd.DataFrame(rows, columns=["direction", "leverage_before", "leverage_after", "pull_before",
                                       "pull_after"])


def _window(panel: Panel | None, year: int, model: str, changes: list[Change]) -> Panel:
    """The panel the run reads: the one given, or the years from the earliest change (or the
    first year the model reads for ``year``) to ``year``."""
    from suasion.leverage.api import query_panel
    from suasion.panel.store import load_panel

    base = query_panel(panel, year, model)
    first = min([c.year for c in changes if c.year is not None] + [int(base.years[0])])
    if panel is None and first < int(base.years[0]):
        base = load_panel(years=(first, year))
    return base


def whatif(principal: str, target: str, changes: list[str | Change], year: int | None = None,
           hops: int = 3, panel: Panel | None = None, model: str = "suasion", blocs: bool = True) -> WhatIfResult:
    """Apply ``changes`` to a copy of the panel and compare, before and after: the changed flows
    (one row per direction), leverage and pull each way between the actors of every change,
    leverage over ``target``, the brokers between ``principal`` and ``target``, and P's direct,
    two-hop and indirect reach (:mod:`suasion.influence.paths`). ``blocs=False`` leaves the bloc
    rows out of the leverage over ``target`` (as :func:`suasion.leverage_over` does); nothing
    else changes."""
    from suasion.influence.brokerage import brokers
    from suasion.influence.network import check_model, resolve_pair
    from suasion.influence.paths import check_route_options, influence_paths
    from suasion.leverage.api import default_year, leverage_over
    from suasion.leverage.engine import first_year_needed

    model = check_model(model)
    check_route_options(hops, 0.5)
    if not changes:
        raise SuasionError(f"no change given: {SYNTAX}")
    if year is None:
        year = default_year(panel, model)
    year = int(year)
    parsed = [c if isinstance(c, Change) else parse_change(c) for c in changes]
    for c in parsed:
        if c.year is not None and c.year > year:
            raise ChangeSyntaxError(f"{c.expression!r} is in {c.year}, after the year analysed ({year}): it "
                                    f"cannot change {year}'s scores; use --year {c.year}")
    panel = _window(panel, year, model, parsed)
    panel, year, p, t, model = resolve_pair(principal, target, year, panel, model)
    changed, report = apply_changes(panel, parsed, year)
    notes = []
    first = first_year_needed(panel, year, model)
    for c in parsed:
        if c.year is not None and c.year < first:
            notes.append(f"{c.expression!r} is before {first}, the first year {year}'s scores read: it changes nothing")

    lev_b, lev_a = (_marked(leverage_over(t, year, model=model, panel=pan, blocs=blocs)) for pan in (panel, changed))
    brokers_before = brokers_after = pd.DataFrame(columns=["broker", "score", "rank"])
    try:
        brokers_before = brokers(p, t, year, panel=panel, model=model)
    except SuasionError as exc:
        notes.append(f"before: {exc}")
    try:
        brokers_after = brokers(p, t, year, panel=changed, model=model)
    except SuasionError as exc:
        notes.append(f"after: {exc}")
    rows = []
    for label, pan in (("before", panel), ("after", changed)):
        try:
            paths = influence_paths(p, t, year, hops=hops, panel=pan, top=1, model=model)
            rows.append({"state": label, "direct": paths.attrs["direct"], "two_hop": paths.attrs["two_hop"],
                         "indirect": paths.attrs["indirect"], "strongest route": paths["path"].iloc[0]})
        except SuasionError:
            rows.append({"state": label, "direct": 0.0, "two_hop": 0.0, "indirect": 0.0, "strongest route": ""})
    return WhatIfResult(report, _dyads(panel, changed, year, report, model),
                        _compare(lev_b, lev_a, "source", "score"),
                        _compare(brokers_before, brokers_after, "broker", "score"), pd.DataFrame(rows), notes)
