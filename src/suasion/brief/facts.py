"""Statements of a brief, generated from the numbers: templates over computed facts.

Every statement is built here from a :class:`~suasion.brief.gather.BriefData` and carries the
numbers it cites, formatted by :mod:`suasion.brief.formats` exactly as the tables of the brief
show them; no prose is written by hand. A statement has

* ``text``: one or two sentences of fact (likelihood, where there is one, in ICD 203 terms);
* ``basis``: its evidence basis: a model estimate with its interval, and the year its main input
  was observed or carried forward from;
* ``confidence``: a separate sentence on how confident the judgement is
  (:mod:`suasion.brief.estimative`), never merged with the likelihood.

Judgement words follow fixed rules on the numbers: the principal's own leverage is *the largest of
any state* when it is at least the leading state's score, *substantial* at half of it or more,
*moderate* at a quarter or more, *thin* below that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from suasion.brief import estimative, formats
from suasion.errors import SuasionError

if TYPE_CHECKING:
    from suasion.brief.gather import BriefData

SUBSTANTIAL, MODERATE = 0.5, 0.25
#: a forecast interval wider than this share of the issue's scale lowers confidence to low
WIDE_INTERVAL = 0.25

CHANNEL_LABELS: dict[str, str] = {
    "trade_market": "market for its exports",
    "trade_supply": "supply of its imports",
    "trade_agreements": "trade agreements",
    "aid": "aid",
    "finance": "official finance",
    "remittances": "remittances",
    "diaspora": "diaspora",
    "arms": "arms",
    "alliance": "alliance",
    "defence_cooperation": "defence cooperation",
    "exercises": "exercises",
    "training": "military training",
    "troops": "troops",
    "diplomacy": "diplomatic presence",
}


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel.replace("_", " "))


@dataclass
class Statement:
    """One generated statement and the numbers behind it."""

    text: str
    basis: str = ""
    confidence: str = ""
    numbers: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.numbers = [n for n in self.numbers if n not in ("", "–")]


def _name(code: str | None) -> str:
    from suasion import actor_name

    if code is None:
        return ""
    try:
        return actor_name(code)
    except SuasionError:  # a code actor_name does not know (a scenario actor): show the code
        return code


_ARTICLE_WORDS = ("United ", "Republic", "Islands", "Netherlands", "Philippines", "Bahamas", "Gambia",
                  "Vatican", "Union", "Kingdom", "Emirates", "Federation")
_BLOC_PROSE = {"EU": "the EU", "NATO": "NATO", "GCC": "the GCC", "ASEAN": "ASEAN", "SCO": "the SCO",
               "AU": "the AU"}


def ref(code: str | None, start: bool = False) -> str:
    """How running text names an actor: "the United States", "Pakistan", "the EU" (capitalised at the
    start of a sentence)."""
    if code is None:
        return ""
    text = _BLOC_PROSE.get(code)
    if text is None:
        name = _name(code)
        text = f"the {name}" if any(w in name for w in _ARTICLE_WORDS) else name
    return text[0].upper() + text[1:] if start else text


def possessive(text: str) -> str:
    """``the United States'``, ``Pakistan's``."""
    return text + ("'" if text.endswith("s") else "'s")


def top_channels(contributions: dict[str, float], n: int = 2) -> list[str]:
    """The ``n`` largest positive contributions, largest first (ties by name)."""
    ranked = sorted(((v, c) for c, v in contributions.items() if v > 0), key=lambda vc: (-vc[0], vc[1]))
    return [c for _, c in ranked[:n]]


def row_of(frame: Any, column: str, value: str) -> dict[str, Any] | None:
    if frame is None or column not in frame:
        return None
    hit = frame[frame[column] == value]
    return hit.iloc[0].to_dict() if len(hit) else None


def states_only(frame: Any) -> Any:
    """The state rows of a leverage frame (blocs are listed beside states; their members are counted
    in them already)."""
    if frame is None or "actor_type" not in frame:
        return frame
    return frame[frame["actor_type"] == "state"]


def leader(data: BriefData) -> dict[str, Any] | None:
    """The state with the most leverage over the target."""
    states = states_only(data.movers)
    return None if states is None or states.empty else states.iloc[0].to_dict()


def channel_values(row: dict[str, Any]) -> dict[str, float]:
    """Channel contributions of a leverage row (the keys of its ``data_years``)."""
    return {c: float(row[c]) for c in row["data_years"]}


def inputs_basis(contributions: dict[str, float], data_years: dict[str, int | None], year: int) -> str:
    """``arms observed 2018; defence cooperation carried forward from 2010`` for the two main channels."""
    parts = [f"{channel_label(c)} {estimative.evidence_basis(data_years.get(c), year)}"
             for c in top_channels(contributions)]
    return "; ".join(parts)


def confidence_sentence(contributions: dict[str, float], data_years: dict[str, int | None], year: int) -> str:
    level = estimative.confidence_level(contributions, data_years, year)
    share = estimative.observed_share(contributions, data_years, year)
    text = (f"Confidence is {level}: {formats.percent(share)} of the score rests on data observed in "
            f"{year - estimative.FRESH_YEARS}–{year}")
    stale = estimative.stale_channels(contributions, data_years, year)
    if stale:
        text += "; carried forward: " + ", ".join(f"{channel_label(c)} from {y}" for c, y in stale[:2])
    return text + "."


def rank_sentence(name: str, target_name: str, sens: dict[str, Any] | None) -> tuple[str, list[str]]:
    """Likelihood of the rank under other channel weights (95 % interval: almost certainly)."""
    if sens is None:
        return "", []
    lo, hi = int(sens["rank_low"]), int(sens["rank_high"])
    term = estimative.likelihood_term(0.95)
    if lo == hi:
        text = (f"Under other channel weights {name} {term} stays {formats.ordinal(lo)} among the states "
                f"with leverage over {target_name} (95% interval).")
        return text, [str(lo)]
    text = (f"Under other channel weights {name} {term} ranks between {formats.ordinal(lo)} and "
            f"{formats.ordinal(hi)} among the states with leverage over {target_name} (95% interval).")
    return text, [str(lo), str(hi)]


def model_basis(row: dict[str, Any], sens: dict[str, Any] | None, year: int) -> str:
    interval = ""
    if sens is not None:
        interval = f", 95% interval {formats.score(sens['score_low'])}–{formats.score(sens['score_high'])}"
    return f"model estimate {formats.score(row['score'])}{interval}; " + inputs_basis(
        channel_values(row), row["data_years"], year)


# --------------------------------------------------------------------------- statements


def issue(data: BriefData) -> str:
    p, t = ref(data.principal), ref(data.target)
    if data.kind == "minister":
        return (f"How {p} can move {t}: who holds leverage over {t}, what {possessive(p)} own leverage is, which "
                f"states {p} could work through and what it could offer them ({data.year} data).")
    if data.kind == "meeting":
        b = ref(data.broker)
        return (f"Meeting with {b}: asking {b} to use its leverage over {t} on {possessive(p)} behalf, and what {p} "
                f"can offer in return ({data.year} data).")
    return f"Profile of {t}: who can move it, whom it can move, recent trends ({data.year} data)."


def leader_statement(data: BriefData) -> Statement | None:
    """Which state holds the most leverage over the target."""
    top = leader(data)
    if top is None:
        return None
    s, t = ref(top["source"], start=True), ref(data.target)
    channels = top_channels(channel_values(top))
    numbers = [formats.score(top["score"])]
    text = f"{s} holds the most leverage over {t} of any state: {formats.score(top['score'])}"
    if top.get("share") is not None and top["share"] == top["share"]:
        text += f", {formats.percent(top['share'])} of all measured outside leverage"
        numbers.append(formats.percent(top["share"]))
    if channels:
        text += ", mostly through " + " and ".join(channel_label(c) for c in channels)
    text += "."
    sens = row_of(data.sensitivity, "source", top["source"])
    extra, nums = rank_sentence(ref(top["source"]), t, sens)
    if extra:
        text += " " + extra
    if sens is not None:
        numbers += [formats.score(sens["score_low"]), formats.score(sens["score_high"])]
    return Statement(text, model_basis(top, sens, data.year),
                     confidence_sentence(channel_values(top), top["data_years"], data.year), numbers + nums)


def own_judgement(own: dict[str, Any], top: dict[str, Any]) -> str:
    """Fixed rule on the numbers (module docstring): compared with the leading state's score."""
    top_score = float(top["score"])
    if own["score"] >= top_score:
        return "the largest of any state"
    if top_score > 0 and own["score"] >= SUBSTANTIAL * top_score:
        return "substantial"
    if top_score > 0 and own["score"] >= MODERATE * top_score:
        return "moderate"
    return "thin"


def own_statement(data: BriefData) -> Statement | None:
    """The principal's direct leverage, its rank and its trend."""
    own, top = data.own, leader(data)
    if own is None or top is None:
        return None
    p, t = ref(data.principal, start=True), ref(data.target)
    judgement = own_judgement(own, top)
    place = f"rank {own['rank']} of {own['out_of']}" if own["listed"] else \
        f"{formats.ordinal(own['rank'])} if ranked among the {own['out_of']} states"
    if own.get("share") is not None:
        place += f", {formats.percent(own['share'])} of measured outside leverage"
    text = f"{possessive(p)} direct leverage over {t} is {judgement}: {formats.score(own['score'])} ({place})"
    numbers = [formats.score(own["score"]), str(own["out_of"])] + (
        [formats.percent(own["share"])] if own.get("share") is not None else [])
    if top["source"] != data.principal:
        text += f", against {formats.score(top['score'])} for {ref(top['source'])}"
        numbers.append(formats.score(top["score"]))
    text += "."
    first, last = trend_ends(data.history, data.principal, data.target)
    if first is not None and last is not None and first[0] != last[0]:
        change = "up" if last[1] > first[1] else "down" if last[1] < first[1] else "unchanged"
        text += (f" It is {change} from {formats.score(first[1])} in {first[0]}"
                 if change != "unchanged" else f" It is unchanged since {first[0]}") + "."
        numbers.append(formats.score(first[1]))
    sens = row_of(data.sensitivity, "source", data.principal)
    row = {"score": own["score"], "data_years": own["data_years"], **own["channels"]}
    return Statement(text, model_basis(row, sens, data.year),
                     confidence_sentence(own["channels"], own["data_years"], data.year), numbers)


def trend_ends(history: Any, source: str | None, target: str) -> tuple[tuple[int, float] | None,
                                                                       tuple[int, float] | None]:
    """(first year, score) and (last year, score) of ``source``'s leverage over ``target`` in ``history``."""
    if history is None or source is None:
        return None, None
    rows = history[(history["source"] == source) & (history["target"] == target)].sort_values("year")
    if rows.empty:
        return None, None
    return ((int(rows["year"].iloc[0]), float(rows["score"].iloc[0])),
            (int(rows["year"].iloc[-1]), float(rows["score"].iloc[-1])))


def broker_statement(data: BriefData, broker: str | None = None) -> Statement | None:
    """The best broker (or the meeting's broker): its leverage over T, our pull, alignment, offers."""
    from suasion.brief.gather import best_levers

    if data.brokers is None or data.brokers.empty:
        return None
    row = row_of(data.brokers, "broker", broker) if broker else data.brokers.iloc[0].to_dict()
    if row is None:
        return None
    b, p, t = ref(row["broker"], start=True), ref(data.principal), ref(data.target)
    p_s = possessive(p)
    lead = "is the best broker" if int(row["rank"]) == 1 else f"ranks {formats.ordinal(int(row['rank']))} among brokers"
    text = (f"{b} {lead} for {p} over {t} (score {formats.score(row['score'])}, against {p_s} direct "
            f"{formats.score(row['direct_leverage'])}): it holds {formats.score(row['leverage_over_target'])} "
            f"over {t}, and {p_s} pull on it is {formats.score(row['pull_from_principal'])}")
    numbers = [formats.score(row["score"]), formats.score(row["direct_leverage"]),
               formats.score(row["leverage_over_target"]), formats.score(row["pull_from_principal"])]
    if row.get("alignment") is not None and row["alignment"] == row["alignment"]:
        text += f", with UN voting alignment {formats.ratio(row['alignment'])}"
        numbers.append(formats.ratio(row["alignment"]))
    text += "."
    levers = data.levers.get(row["broker"])
    if levers is not None:
        best = best_levers(levers)
        if len(best):
            text += (f" {ref(data.principal, start=True)} could offer "
                     + " or ".join(lever_phrase(r) for _, r in best.iterrows()) + ".")
    basis = f"model estimate {formats.score(row['leverage_over_target'])}"
    if is_bloc_code(data.principal):
        basis += f", counting {ref(data.principal)} as one actor"
    mover = row_of(data.movers, "source", row["broker"])
    if mover is None:
        return Statement(text, basis, "", numbers)
    contributions = {c: float(v) for c, v in row["channels"].items()}
    return Statement(text, basis + "; " + inputs_basis(contributions, mover["data_years"], data.year),
                     confidence_sentence(contributions, mover["data_years"], data.year), numbers)


def is_bloc_code(code: str | None) -> bool:
    from suasion import is_bloc

    return code is not None and is_bloc(code)


def lever_phrase(lever: Any) -> str:
    third = lever.get("third_party") if hasattr(lever, "get") else None
    if lever["kind"] == "substitute" and isinstance(third, str):
        return f"{lever['lever']} (taking over from {ref(str(third))})"
    if lever["kind"] == "new tie":
        return f"a new {lever['lever']}"
    return str(lever["lever"])


def main_issue(data: BriefData) -> dict[str, Any] | None:
    """The forecast row of the issue the principal cares most about (highest salience; the first issue
    when the principal is not in the scenario)."""
    if data.forecast is None or data.forecast.empty:
        return None
    issue_name = str(data.forecast["issue"].iloc[0])
    if data.positions is not None and data.principal is not None:
        mine = data.positions[data.positions["actor"] == data.principal]
        if len(mine):
            issue_name = str(mine.sort_values(["salience", "issue"], ascending=[False, True])["issue"].iloc[0])
    return row_of(data.forecast, "issue", issue_name)


def forecast_statement(data: BriefData) -> Statement | None:
    """The negotiation forecast on the principal's main issue, with its interval."""
    from suasion.brief.gather import FORECAST_LEVEL

    row = main_issue(data)
    if row is None:
        return None
    term = estimative.likelihood_term(FORECAST_LEVEL)
    level = formats.percent(FORECAST_LEVEL)
    text = (f"On {row['issue']}, the talks will {term} end between {formats.amount(row['low'])} and "
            f"{formats.amount(row['high'])} ({level} interval; forecast {formats.amount(row['forecast'])}).")
    numbers = [formats.amount(row["low"]), formats.amount(row["high"]), formats.amount(row["forecast"])]
    mine = None
    if data.positions is not None and data.principal is not None:
        mine = data.positions[(data.positions["actor"] == data.principal) & (data.positions["issue"] == row["issue"])]
    if mine is not None and len(mine):
        text += f" {possessive(ref(data.principal, start=True))} position is {formats.amount(float(mine['position'].iloc[0]))}."
        numbers.append(formats.amount(float(mine["position"].iloc[0])))
    width = float(row["high"]) - float(row["low"])
    scale = 100.0
    if data.scenario is not None:
        issues = data.scenario.issues_frame().set_index("issue")
        scale = float(issues.loc[row["issue"], "scale_max"] - issues.loc[row["issue"], "scale_min"])
    level_word = "low" if width > WIDE_INTERVAL * scale else "moderate"
    confidence = (f"Confidence is {level_word}: positions, saliences and capabilities are the scenario's "
                  f"coded inputs ({data.scenario_name}), not observations, and the interval spans "
                  f"{formats.amount(width)} points.")
    basis = (f"model estimate ({row['model']} model, {int(row['runs'])} Monte Carlo runs), "
             f"{level} interval {formats.amount(row['low'])}–{formats.amount(row['high'])}")
    return Statement(text, basis, confidence, numbers)


def register_statement(data: BriefData) -> Statement | None:
    reg = data.register
    if reg is None:
        return None
    n = len(reg.engagements)
    coming = sum(1 for e in reg.engagements if e["status"] in ("proposed", "planned", "approved"))
    done = sum(1 for e in reg.engagements if e["status"] in ("executed", "assessed"))
    partners = sorted({p for e in reg.engagements for p in e["partners"]})
    text = (f"The register holds {n} engagement{'s' if n != 1 else ''} with "
            f"{', '.join(partners) if partners else 'these partners'} that this reader may see: "
            f"{done} carried out, {coming} proposed, planned or approved.")
    return Statement(text, f"register, as seen by {reg.reader} (cleared {reg.clearance})", "",
                     [str(n), str(done), str(coming)])


def events_statement(data: BriefData) -> Statement | None:
    ev = data.events
    if ev is None or ev.partners.empty:
        return None
    top = ev.partners.iloc[0].to_dict()
    t = ref(ev.focus)
    text = (f"In the 12 months to {ev.end.isoformat()}, {possessive(t)} most frequent partner in the event data was "
            f"{ref(top['partner'])} ({int(top['events'])} events")
    numbers = [str(int(top["events"]))]
    if "coop_ratio" in top and top["coop_ratio"] == top["coop_ratio"]:
        text += f", cooperation ratio {formats.ratio(top['coop_ratio'])}"
        numbers.append(formats.ratio(top["coop_ratio"]))
    text += ")."
    n_alerts = len(ev.alerts)
    text += f" {n_alerts} shift{'s' if n_alerts != 1 else ''} flagged in {t}'s dyads."
    numbers.append(str(n_alerts))
    return Statement(text, f"observed, event data {ev.start.isoformat()} to {ev.end.isoformat()}", "", numbers)


def reach_statement(data: BriefData) -> Statement | None:
    if data.reach is None or data.reach.empty:
        return None
    top = data.reach.iloc[0].to_dict()
    text = (f"{ref(data.target, start=True)} holds the most leverage over {ref(top['target'])}: "
            f"{formats.score(top['score'])}")
    channels = top_channels(channel_values(top))
    if channels:
        text += ", mostly through " + " and ".join(channel_label(c) for c in channels)
    text += "."
    return Statement(text, "model estimate; " + inputs_basis(channel_values(top), top["data_years"], data.year),
                     confidence_sentence(channel_values(top), top["data_years"], data.year),
                     [formats.score(top["score"])])


def trend_statement(data: BriefData) -> Statement | None:
    top = leader(data)
    if data.trends is None or top is None:
        return None
    source = str(top["source"])
    first, last = trend_ends(data.trends, source, data.target)
    if first is None or last is None or first[0] == last[0]:
        return None
    text = (f"{possessive(ref(source, start=True))} leverage over {ref(data.target)} went from {formats.score(first[1])} in "
            f"{first[0]} to {formats.score(last[1])} in {last[0]}.")
    return Statement(text, "model estimates per year", "", [formats.score(first[1]), formats.score(last[1])])


def meeting_objectives(data: BriefData) -> list[Statement]:
    """What the principal wants from the meeting, from the numbers."""
    from suasion.brief.gather import best_levers

    b, p, t = data.broker, data.principal, data.target
    if b is None:
        return []
    out = []
    mover = row_of(data.movers, "source", b)
    if mover is not None and float(mover["score"]) > 0:
        out.append(Statement(
            f"Ask {ref(b)} to use its leverage over {ref(t)} on {possessive(ref(p))} behalf: "
            f"{formats.score(mover['score'])}, rank {int(mover['rank'])} among the states with leverage over "
            f"{ref(t)}.", numbers=[formats.score(mover["score"]), str(int(mover["rank"]))]))
    levers = data.levers.get(b)
    if levers is not None and len(levers):
        best = best_levers(levers, 1)
        text = f"Raise {possessive(ref(p))} pull over {ref(b)}, now {formats.score(float(levers['pull'].iloc[0]))}"
        numbers = [formats.score(float(levers["pull"].iloc[0]))]
        if len(best):
            lever = best.iloc[0]
            text += (f"; the offer that buys most is {lever_phrase(lever)} "
                     f"({formats.signed(float(lever['marginal_pull']))} per {lever['unit']})")
            numbers.append(formats.signed(float(lever["marginal_pull"])))
        out.append(Statement(text + ".", numbers=numbers))
    fc = main_issue(data)
    if fc is not None and data.positions is not None:
        pos = {str(r["actor"]): float(r["position"]) for r in
               data.positions[data.positions["issue"] == fc["issue"]].to_dict("records")}
        if b in pos and p in pos:
            out.append(Statement(
                f"Move {ref(b)} on {fc['issue']}: its position is {formats.amount(pos[b])}, "
                f"{possessive(ref(p))} {formats.amount(pos[p])}, the forecast {formats.amount(fc['forecast'])}.",
                numbers=[formats.amount(pos[b]), formats.amount(pos[p]), formats.amount(fc["forecast"])]))
    return out


def meeting_background(data: BriefData) -> list[str]:
    """Short background lines on the broker (staccato), from the broker table and the dyad history."""
    b, p = data.broker, data.principal
    row = row_of(data.brokers, "broker", b) if b else None
    out = []
    if row is not None:
        out.append(f"{ref(b, start=True)} ranks {formats.ordinal(int(row['rank']))} of {len(data.brokers)} brokers "
                   f"for {ref(p)} over {ref(data.target)} (score {formats.score(row['score'])}).")
        out.append(f"{possessive(ref(p, start=True))} leverage over {ref(b)}: "
                   f"{formats.score(row['leverage_from_principal'])}; {possessive(ref(b))} dependence on "
                   f"{ref(p)}: {formats.score(row['dependence_on_principal'])}; UN voting alignment "
                   f"{formats.ratio(row['alignment'])}.")
    own, top = data.own, leader(data)
    if own is not None and top is not None:
        place = f"rank {own['rank']} of {own['out_of']}" if own["listed"] else \
            f"{formats.ordinal(own['rank'])} if ranked among the {own['out_of']} states"
        if own.get("share") is not None:
            place += f", {formats.percent(own['share'])} of measured outside leverage"
        out.append(f"{possessive(ref(p, start=True))} direct leverage over {ref(data.target)}: "
                   f"{formats.score(own['score'])} ({place}); the most of any state is "
                   f"{possessive(ref(str(top['source'])))}, {formats.score(top['score'])}.")
    first, last = trend_ends(data.broker_history, b, p)
    if first is not None and last is not None:
        out.append(f"{possessive(ref(b, start=True))} leverage over {ref(p)}: {formats.score(first[1])} in "
                   f"{first[0]}, {formats.score(last[1])} in {last[0]}.")
    return out


# --------------------------------------------------------------------------- assembly


def best_option(data: BriefData) -> Any:
    """The option with the largest gain on its own route (broker score, or direct leverage)."""
    def gain(o: Any) -> float:
        if o.route == "broker" and o.broker_after is not None and o.broker_before is not None:
            return o.broker_after - o.broker_before
        return o.direct_after - o.direct_before

    ranked = sorted(data.options, key=lambda o: (-gain(o), o.counterpart))
    return ranked[0] if ranked and gain(ranked[0]) > 0 else None


def option_statement(option: Any, data: BriefData) -> Statement:
    p = ref(data.principal)
    if option.route == "broker" and option.broker_after is not None:
        text = (f"Best offer: {option.description}; it raises {possessive(p)} route through {ref(option.counterpart)} "
                f"from {formats.score(option.broker_before)} to {formats.score(option.broker_after)}.")
        numbers = [formats.score(option.broker_before), formats.score(option.broker_after)]
    else:
        text = (f"Best offer: {option.description}; it raises {possessive(p)} direct leverage over "
                f"{ref(data.target)} from {formats.score(option.direct_before)} to "
                f"{formats.score(option.direct_after)}.")
        numbers = [formats.score(option.direct_before), formats.score(option.direct_after)]
    return Statement(text, "model what-if", "", numbers)


def bottom_line(data: BriefData) -> list[Statement]:
    """At most four statements, each backed by numbers shown elsewhere in the brief."""
    out: list[Statement] = []
    if data.kind == "country":
        return [Statement(s.text.split(" Under other")[0], numbers=s.numbers) for s in key_points(data)][:4]
    own = own_statement(data)
    if own is not None:
        out.append(Statement(own.text.split(" It is ")[0], numbers=own.numbers))
    if data.kind == "meeting" and data.broker is not None:
        row = row_of(data.brokers, "broker", data.broker)
        if row is not None:
            out.append(Statement(
                f"{ref(data.broker, start=True)} holds {formats.score(row['leverage_over_target'])} over "
                f"{ref(data.target)}; {possessive(ref(data.principal))} pull on it is "
                f"{formats.score(row['pull_from_principal'])}.",
                numbers=[formats.score(row["leverage_over_target"]), formats.score(row["pull_from_principal"])]))
    elif data.brokers is not None and not data.brokers.empty:
        row = data.brokers.iloc[0]
        if float(row["score"]) > float(row["direct_leverage"]):
            text = (f"Working through {ref(row['broker'])} scores {formats.score(row['score'])}, above "
                    f"{possessive(ref(data.principal))} direct {formats.score(row['direct_leverage'])}.")
        else:
            text = (f"No broker beats direct action: the best, {ref(row['broker'])}, scores "
                    f"{formats.score(row['score'])} against {possessive(ref(data.principal))} direct "
                    f"{formats.score(row['direct_leverage'])}.")
        out.append(Statement(text, numbers=[formats.score(row["score"]), formats.score(row["direct_leverage"])]))
    option = best_option(data)
    if option is not None:
        out.append(option_statement(option, data))
    fc = forecast_statement(data)
    if fc is not None:
        out.append(Statement(fc.text, numbers=fc.numbers))
    return out[:4]


def key_points(data: BriefData) -> list[Statement]:
    """Three to five key points with their evidence basis and confidence."""
    if data.kind == "country":
        makers = [leader_statement, reach_statement, trend_statement, events_statement, register_statement]
    elif data.kind == "meeting":
        makers = [lambda d: broker_statement(d, d.broker), leader_statement, own_statement, forecast_statement,
                  events_statement, register_statement]
    else:
        makers = [leader_statement, own_statement, broker_statement, forecast_statement, events_statement,
                  register_statement]
    out = [s for s in (make(data) for make in makers) if s is not None]
    return out[:5]
