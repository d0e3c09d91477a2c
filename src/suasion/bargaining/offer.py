"""What can the principal offer the broker? One ranked menu of panel levers and scenario exchanges.

The seed question: "Could the EU ask Turkey to lead talks with Pakistan, and what can Turkey be
offered in return?" Two sources answer it:

* **levers** from the panel, :func:`suasion.incentives` (aid, market access, arms, defence ties …):
  each raises the principal's *pull* over the broker by ``marginal_pull`` per unit;
* **exchanges** from a negotiation scenario, :func:`suasion.exchanges`: the principal moves on an issue
  the broker cares about and the broker moves on the issue the principal asks for.

**One scale: the broker's support for the principal's position on the ask issue**,
``support = 1 − |x_B − x_P| / R`` (1 when the broker stands where the principal stands, 0 at the far
end of the scale, R its range). Each line says how much it raises that support:

* an exchange: the broker's move on the ask issue, ``(|x_B − x_P| − |x'_B − x_P|) / R``, averaged over
  ``runs`` Monte Carlo perturbations of the scenario (:func:`~suasion.bargaining.sensitivity.perturb`:
  positions ± 5 % of the scale, saliences ± 0.1, capabilities × e^{N(0, 0.2²)}), counting 0 in a run
  where the trade no longer benefits both sides: the *expected* gain;
* a lever: ``marginal_pull × gap``, with gap = |x_B − x_P| / R on the ask issue. This is the bridge
  between the two models, an assumption stated here: pull acts like the weight of the principal in the
  broker's position, x_B ← (1 − w) x_B + w x_P (Friedkin & Johnsen 1990), so adding Δw closes Δw of the
  remaining gap. Without a scenario the gap is taken as 1 (the broker at the opposite end of the
  scale), the most a lever can buy.

The ask issue is ``issue`` or, by default, the issue where the principal's stake in the broker's move,
``s_P × |x_B − x_P| / R``, is largest.

**Cost to the principal**: for a lever, one unit of it (its ``unit``: USD 100 m of aid, 100 TIV of
arms, 1 % of the broker's exports …; ``cost_usd_m`` where that is money); for an exchange, the
principal's own concession — its move on the issue it gives, and that move's price in its utility,
``s_P × |Δx| / R``.

**How sure**: an exchange is *high* when it still benefits both sides in ≥ 90 % of the perturbed runs,
*medium* ≥ 60 %, *low* below. A lever is rated by its data, since the pull model has no validation
here: *high* when the channel between principal and broker is observed in the year used, *medium*
when carried forward up to 4 years, *low* when older, missing or of unknown date.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from suasion.bargaining.scenario import ModelSettingError, Scenario
from suasion.errors import SuasionError

SURE_EXCHANGE = (0.9, 0.6)         # share of perturbed runs for high, medium
SURE_LEVER_YEARS = 4               # carried forward at most this many years: medium
COLUMNS = ["rank", "kind", "offer", "cost", "cost_usd_m", "support_gain", "pull_gain", "sure", "sure_detail",
           "issue", "source"]


def _scenario_actor(scen: Scenario, code: str, given: str) -> int:
    """Index of the scenario actor that is ``given`` (by name) or resolves to ``code``."""
    for name in (given, code):
        try:
            return scen.actor_index(name)
        except SuasionError:
            pass
    from suasion.actors import resolve_actor

    for k, name in enumerate(scen.actors):
        try:
            if resolve_actor(name) == code:
                return k
        except SuasionError:
            continue
    raise ModelSettingError(f"{given} ({code}) is not an actor of scenario {scen.name!r}; actors are "
                            f"{', '.join(scen.actors)}")


def ask_issue(scen: Scenario, p: int, b: int, issue: str | None = None) -> int:
    """The issue the principal asks the broker to move on (module docstring)."""
    both = scen.participates[p] & scen.participates[b]
    if issue is not None:
        d = scen.issue_index(issue)
        if not both[d]:
            raise ModelSettingError(f"{scen.actors[p]} and {scen.actors[b]} do not both take part in issue {issue!r}")
        return d
    if not both.any():
        raise ModelSettingError(f"{scen.actors[p]} and {scen.actors[b]} share no issue in scenario {scen.name!r}")
    span = scen.scale[:, 1] - scen.scale[:, 0]
    stake = np.where(both, np.nan_to_num(scen.salience[p]) * np.abs(scen.position[b] - scen.position[p]) / span,
                     -np.inf)
    return int(np.argmax(stake))


def _sure_exchange(share: float) -> str:
    return "high" if share >= SURE_EXCHANGE[0] else "medium" if share >= SURE_EXCHANGE[1] else "low"


def _exchange_lines(scen: Scenario, p: int, b: int, d: int, runs: int, seed: int) -> list[dict]:
    from suasion.bargaining.models.exchange import exchange_offers
    from suasion.bargaining.sensitivity import perturb

    pname, bname, ask = scen.actors[p], scen.actors[b], scen.issues[d]
    span = float(scen.scale[d, 1] - scen.scale[d, 0])
    base = exchange_offers(scen, pname, bname)
    base = base[base["gets_on"] == ask].reset_index(drop=True)
    if base.empty:
        return []
    keys = list(zip(base["gives_on"], base["gets_on"]))

    def support_gain(frame: pd.DataFrame, xp: float) -> dict[tuple[str, str], float]:
        return {(g, a): (abs(f - xp) - abs(t - xp)) / span
                for g, a, f, t in zip(frame["gives_on"], frame["gets_on"], frame["gets_from"], frame["gets_to"])}

    point = support_gain(base, float(scen.position[p, d]))
    gains = np.zeros((max(runs, 0), len(keys)))
    exists = np.zeros((max(runs, 0), len(keys)), dtype=bool)
    rng = np.random.default_rng(seed)
    for r in range(runs):
        pert = perturb(scen, rng)
        found = support_gain(exchange_offers(pert, pname, bname), float(pert.position[p, d]))
        for k, key in enumerate(keys):
            if key in found:
                exists[r, k], gains[r, k] = True, found[key]
    rows = []
    for k, row in base.iterrows():
        g = scen.issue_index(row["gives_on"])
        g_span = float(scen.scale[g, 1] - scen.scale[g, 0])
        moved = abs(row["gives_to"] - row["gives_from"])
        utility = float(scen.salience[p, g]) * moved / g_span
        share = float(exists[:, k].mean()) if runs else float("nan")
        rows.append({
            "kind": "exchange",
            "offer": (f"{pname} moves on {row['gives_on']} ({row['gives_from']:.0f} -> {row['gives_to']:.0f}) "
                      f"for {bname} on {ask} ({row['gets_from']:.0f} -> {row['gets_to']:.0f})"),
            "cost": (f"{moved:.0f} of {g_span:g} points on {row['gives_on']}: {utility:.3f} of {pname}'s utility "
                     f"(salience {scen.salience[p, g]:.2f})"),
            "cost_usd_m": np.nan,
            "support_gain": float(gains[:, k].mean()) if runs else point[keys[k]],
            "pull_gain": np.nan,
            "sure": _sure_exchange(share) if runs else "not assessed (runs=0)",
            "sure_detail": (f"trade holds in {share:.0%} of {runs} perturbed runs (gain without noise "
                            f"{point[keys[k]]:.2g})") if runs else "no Monte Carlo runs",
            "issue": ask, "source": f"scenario {scen.name}"})
    return rows


def _money(unit: str) -> float:
    """USD amount of one lever unit when the unit says it (``USD 100 m``, ``(USD 1,640 m)``)."""
    found = re.findall(r"USD\s*([\d,]+(?:\.\d+)?)\s*m", unit or "")
    return float(found[-1].replace(",", "")) if found else float("nan")


def _lever_vintage(principal: str, broker: str, year: int) -> dict[str, Any]:
    """Per leverage channel, the year of the principal → broker data used (public dyad history)."""
    from suasion.leverage.api import dyad_history

    try:
        hist = dyad_history(principal, broker, years=(year, year))
    except SuasionError:
        return {}
    column = next((c for c in ("data_years", "data_year") if c in hist.columns), None)
    row = hist[(hist["source"] == principal) & (hist["year"] == year)]
    if column is None or row.empty or not isinstance(row[column].iloc[0], dict):
        return {}
    return dict(row[column].iloc[0])


def _sure_lever(channel: str, vintage: dict[str, Any], year: int) -> tuple[str, str]:
    if channel not in vintage:
        return "low", f"no data year known for {channel}"
    seen = vintage[channel]
    if seen is None:
        return "low", f"no {channel} data between the two"
    seen = int(seen)
    if seen >= year:
        return "high", f"{channel} data of {seen}"
    rating = "medium" if year - seen <= SURE_LEVER_YEARS else "low"
    return rating, f"{channel} data carried from {seen}"


def _lever_lines(levers: pd.DataFrame, gap: float, vintage: dict[str, Any], ask: str | None) -> list[dict]:
    rows = []
    for rec in levers.to_dict(orient="records"):
        year = int(rec.get("year"))
        channel = str(rec.get("channel", ""))
        kind = str(rec.get("kind", ""))
        third = rec.get("third_party")
        has_third = isinstance(third, str) and third
        offer = str(rec.get("lever", "")) + (f", taken over from {third}" if has_third else "")
        unit = re.sub(r"\s*moved from \S+$", "", str(rec.get("unit", "")))
        sure, detail = _sure_lever(channel, vintage, year)
        marginal = float(rec.get("marginal_pull", np.nan))
        rows.append({"kind": f"lever: {kind}" if kind else "lever", "offer": offer,
                     "cost": unit, "cost_usd_m": _money(unit),
                     "support_gain": marginal * gap, "pull_gain": marginal, "sure": sure, "sure_detail": detail,
                     "issue": ask or "(no scenario)", "source": f"panel {year}"})
    return rows


def offer(principal: str, broker: str, target: str, year: int | None = None, *,
          scenario: Scenario | str | Path | None = None, issue: str | None = None, runs: int = 200,
          seed: int = 0, format: str | None = None) -> pd.DataFrame:
    """One ranked menu of what ``principal`` can offer ``broker`` to work on ``target`` (module docstring).

    Columns: ``rank, kind`` (exchange, or lever: expand / substitute / new tie), ``offer``, ``cost``
    (to the principal) and ``cost_usd_m``, ``support_gain`` (the common scale, largest first),
    ``pull_gain`` (levers), ``sure`` (high / medium / low) and ``sure_detail``, ``issue``, ``source``.
    ``frame.attrs["context"]`` holds the question: codes, year, ask issue, gap, and the broker's
    standing from :func:`suasion.brokers` (its leverage over the target, the principal's pull over it).
    """
    import suasion

    if runs < 0:
        raise ModelSettingError(f"runs must be >= 0, not {runs}")
    levers = suasion.incentives(principal, broker, year)
    p_code, b_code, year = str(levers["principal"].iloc[0]), str(levers["broker"].iloc[0]), int(levers["year"].iloc[0])
    from suasion.actors import resolve_actor

    t_code = resolve_actor(target, year=year)
    if t_code in (p_code, b_code):
        raise ModelSettingError(f"the target {t_code} must differ from the principal and the broker")
    context: dict[str, Any] = {"principal": p_code, "broker": b_code, "target": t_code, "year": year,
                               "scale": "gain in the broker's support for the principal's position on the ask "
                                        "issue (share of the issue's scale)"}
    standing = suasion.brokers(p_code, t_code, year)
    mine = standing[standing["broker"] == b_code]
    if not mine.empty:
        for col in ("rank", "leverage_over_target", "pull_from_principal", "direct_leverage"):
            if col in mine.columns:
                context[f"broker_{col}" if col == "rank" else col] = mine[col].iloc[0]
    rows: list[dict] = []
    gap, ask = 1.0, None
    if scenario is not None:
        from suasion.bargaining.api import _scenario

        scen = _scenario(scenario, format)
        p, b = _scenario_actor(scen, p_code, principal), _scenario_actor(scen, b_code, broker)
        d = ask_issue(scen, p, b, issue)
        ask = scen.issues[d]
        gap = float(abs(scen.position[b, d] - scen.position[p, d]) / (scen.scale[d, 1] - scen.scale[d, 0]))
        context.update({"scenario": scen.name, "ask_issue": ask, "gap": gap,
                        "principal_position": float(scen.position[p, d]),
                        "broker_position": float(scen.position[b, d])})
        rows += _exchange_lines(scen, p, b, d, runs, seed)
    elif issue is not None:
        raise ModelSettingError("--issue needs a scenario (--scenario FILE)")
    else:
        context.update({"ask_issue": None, "gap": 1.0})
    rows += _lever_lines(levers, gap, _lever_vintage(p_code, b_code, year), ask)
    frame = pd.DataFrame(rows)
    frame = frame.sort_values("support_gain", ascending=False, kind="stable").reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    frame = frame.reindex(columns=COLUMNS)
    frame.attrs["context"] = context
    return frame
