"""Data assembly: every number a brief shows comes from one call of suasion's public API here.

Nothing in this module computes a model quantity; it asks the API the questions a brief answers
and keeps the answers (DataFrames and records) in a :class:`BriefData`. Selecting rows (the top
movers, the best two levers of a broker) and turning a lever into a what-if change expression is
all it does besides.

Questions asked, per kind of brief:

=====================================  ==========================================================
section                                API call
=====================================  ==========================================================
who can move the target                ``leverage_over(T, Y)``, ``leverage_sensitivity(T, Y)``
the principal's own leverage           ``leverage_of(P, Y)`` (row for T), ``dyad_history(P, T)``
brokers and what to offer them         ``brokers(P, T, Y)``, ``incentives(P, B, Y)``
options                                ``incentives(P, X, Y)`` then ``whatif(P, T, [changes], Y)``
negotiation forecast                   ``read_scenario(FILE)``, ``forecast(S, runs=…)``, ``exchanges``
engagements                            ``Register(URL)`` as the reader: ``all_engagements``, ``all_objectives``
event trend                            ``top_partners``, ``dyad_events``, ``event_alerts``
whom the target can move (country)     ``leverage_of(T, Y)``, ``dyad_history(S, T)``
=====================================  ==========================================================
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from suasion.errors import SuasionError

if TYPE_CHECKING:
    import pandas as pd

KINDS = ("minister", "meeting", "country")
TOP_MOVERS = 8
TOP_BROKERS = 3
LEVERS_PER_BROKER = 2
MENU_LEVERS = 5
TREND_YEARS = 5
SENSITIVITY_DRAWS = 1000
SENSITIVITY_SEED = 0
FORECAST_RUNS = 500
FORECAST_LEVEL = 0.9
FORECAST_SEED = 0
EVENT_MONTHS = 12
#: size of an option built from a lever: a relative change of a trade flow, or an absolute one
#: (USD m of aid or finance, TIV of arms) capped by the flow a third party supplies now
TRADE_STEP_PERCENT = 10
UNIT_STEP = 100.0


class BriefInputError(SuasionError, ValueError):
    """A brief asked for something that cannot be answered (broker = principal, missing scenario...)."""


class RegisterUnavailableError(SuasionError):
    """The register cannot be opened or read (missing file, unreachable server, no user)."""


# --------------------------------------------------------------------------- records


@dataclass
class Option:
    """One option of the minister brief: an offer built from a lever, and its what-if effect."""

    route: str                        # "broker" or "direct"
    counterpart: str                  # the broker, or the target for a direct option
    lever: dict[str, Any]             # the incentives row it comes from
    description: str
    changes: list[str]                # what-if expressions
    changes_report: list[dict[str, Any]]
    direct_before: float
    direct_after: float
    indirect_before: float
    indirect_after: float
    broker_before: float | None = None
    broker_after: float | None = None


@dataclass
class EventTrend:
    """An actor's events in the window (one dataset of one store)."""

    focus: str
    start: dt.date
    end: dt.date
    partners: pd.DataFrame            # top_partners(focus, start=start, end=end)
    series: dict[str, pd.DataFrame]   # other actor -> dyad_events(focus, other, month, undirected)
    alerts: pd.DataFrame              # event_alerts(focus) in the window


@dataclass
class RegisterView:
    """What the reader may see in the register."""

    location: str                     # password hidden
    reader: str
    clearance: str
    levels: list[str]
    engagements: list[dict[str, Any]]
    objectives: list[dict[str, Any]]


@dataclass
class BriefData:
    """The answers behind a brief (see the module docstring for the call that gives each)."""

    kind: str
    principal: str | None
    target: str
    year: int
    date: dt.date
    model: str
    broker: str | None = None
    movers: pd.DataFrame | None = None
    sensitivity: pd.DataFrame | None = None
    own: dict[str, Any] | None = None
    history: pd.DataFrame | None = None
    broker_history: pd.DataFrame | None = None
    brokers: pd.DataFrame | None = None
    brokers_note: str | None = None
    levers: dict[str, pd.DataFrame] = field(default_factory=dict)
    options: list[Option] = field(default_factory=list)
    scenario: Any = None
    scenario_name: str | None = None
    scenario_path: str | None = None
    positions: pd.DataFrame | None = None
    forecast: pd.DataFrame | None = None
    exchanges: pd.DataFrame | None = None
    register: RegisterView | None = None
    events: EventTrend | None = None
    events_note: str | None = None
    reach: pd.DataFrame | None = None
    trends: pd.DataFrame | None = None
    timings: dict[str, float] = field(default_factory=dict)


# --------------------------------------------------------------------------- inputs


def resolve_actors(principal: str | None, target: str, broker: str | None, year: int | None, kind: str
                   ) -> tuple[str | None, str, str | None, int]:
    """Codes of the actors and the year; checks the combination before any work is done."""
    import suasion
    from suasion.leverage.api import default_year

    if kind not in KINDS:
        raise BriefInputError(f"--kind {kind!r}: choose one of {', '.join(KINDS)}")
    if year is None:
        year = default_year()         # reads file metadata only; the queries read the years they need
    t = suasion.resolve_actor(target, year=int(year))
    p = suasion.resolve_actor(principal, year=int(year)) if principal else None
    b = suasion.resolve_actor(broker, year=int(year)) if broker else None
    if p is None and kind != "country":
        raise BriefInputError(f"a {kind} brief needs --principal (the actor the brief is written for)")
    if p == t:
        raise BriefInputError(f"principal and target are both {t}; choose two different actors")
    if b is not None and b in (p, t):
        raise BriefInputError(f"the broker {b} is the {'principal' if b == p else 'target'}; "
                              "choose a third actor")
    return p, t, b, int(year)


def open_register(location: str | os.PathLike[str], user: str | None = None, password: str | None = None,
                  token: str | None = None) -> Any:
    """The register at ``location`` bound to the reader; a :class:`RegisterUnavailableError` if it cannot
    be opened, read or logged into. A SQLite path must exist: a brief never creates a register."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    import suasion

    if not isinstance(location, (str, os.PathLike)):   # a Register already bound to a user
        if getattr(location, "actor", None) is None:
            raise RegisterUnavailableError("the register given is not bound to a user; call login(), "
                                           "with_token() or as_user() first")
        return location
    text = str(location)
    shown = _hide_password(text)
    if "://" not in text or text.startswith("sqlite"):
        path = Path(make_url(text).database or "") if text.startswith("sqlite") else Path(text)
        if not path.is_file():
            raise RegisterUnavailableError(f"register {shown}: no such file")
    try:
        reg = suasion.Register(text, migrate=False)
        reg.classifications()           # reach the database before asking who reads it
        if token:
            return reg.with_token(token)
        if not user:
            raise RegisterUnavailableError(f"register {shown}: no reader; give --user NAME (or set "
                                           "SUASION_REGISTER_USER), or set SUASION_REGISTER_TOKEN")
        if password is None:
            raise RegisterUnavailableError(f"register {shown}: no password for {user}; set "
                                           "SUASION_REGISTER_PASSWORD")
        return reg.login(user, password)
    except (SQLAlchemyError, ArgumentError, ImportError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RegisterUnavailableError(f"register {shown}: cannot open it ({_hide_password(first)})") from None


def _hide_password(text: str) -> str:
    """A database URL with its password replaced by ***."""
    if "://" not in text:
        return text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(text).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):  # not a URL after all: show nothing that could be a secret
        return text.split("://", 1)[0] + "://…"


# --------------------------------------------------------------------------- sections


def movers(data: BriefData) -> None:
    """Who can move the target: every source, strongest first, with rank intervals."""
    import suasion

    data.movers = suasion.leverage_over(data.target, data.year)
    data.sensitivity = suasion.leverage_sensitivity(data.target, data.year, draws=SENSITIVITY_DRAWS,
                                                    seed=SENSITIVITY_SEED)
    data.model = str(data.movers["model"].iloc[0]) if len(data.movers) else data.model


def own_leverage(data: BriefData) -> None:
    """The principal's direct leverage over the target, its rank among the target's sources, and
    both directions over the last ``TREND_YEARS`` years."""
    import pandas as pd

    import suasion

    p, t, year = data.principal, data.target, data.year
    assert p is not None and data.movers is not None
    movers_frame = data.movers
    listed = movers_frame[movers_frame["source"] == p]
    if len(listed):                   # the principal is among the target's sources (states and blocs)
        row, rank, listed_flag = listed.iloc[0], int(listed["rank"].iloc[0]), True
    else:                             # not listed: its score, and its place among the target's sources
        of = suasion.leverage_of(p, year)
        mine = of[of["target"] == t]
        if mine.empty:
            raise BriefInputError(f"{p} has no leverage score over {t} in {year}")
        row = mine.iloc[0]
        rank, listed_flag = int((movers_frame["score"] > float(row["score"])).sum()) + 1, False
    share = row["share"] if "share" in row.index and pd.notna(row["share"]) else None
    data.own = {
        "score": float(row["score"]),
        "rank": rank,
        "out_of": len(movers_frame),
        "listed": listed_flag,
        "channels": {c: float(row[c]) for c in row["data_years"]},
        "data_years": dict(row["data_years"]),
        "share": float(share) if share is not None else None,
        "explanation": str(row["explanation"]) if "explanation" in row.index else None,
    }
    data.history = suasion.dyad_history(p, t, years=(year - TREND_YEARS, year))


def broker_table(data: BriefData, top: int = TOP_BROKERS) -> None:
    """The brokers between principal and target, and the best levers the principal has over each."""
    import suasion

    assert data.principal is not None
    try:
        frame = suasion.brokers(data.principal, data.target, data.year)
    except SuasionError as exc:       # no broker at all: the brief says so
        data.brokers, data.brokers_note = None, str(exc)
        return
    data.brokers = frame
    chosen = list(frame["broker"].head(top))
    if data.broker is not None and data.broker not in chosen:
        chosen.append(data.broker)
    for b in chosen:
        try:
            data.levers[b] = suasion.incentives(data.principal, b, data.year)
        except SuasionError:
            continue


def best_levers(levers: pd.DataFrame, n: int = LEVERS_PER_BROKER) -> pd.DataFrame:
    """The ``n`` best levers with distinct labels (the incentives table is sorted best first)."""
    return levers[levers["marginal_pull"] > 0].drop_duplicates("lever").head(n)


def _amount(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


#: incentives channel -> (what-if channel, direction of the flow for "expand": "PB" = P gives B)
_LEVER_FLOWS: dict[str, tuple[str, str]] = {
    "trade_market": ("trade", "BP"),      # B's exports to P
    "trade_supply": ("trade", "PB"),      # P's exports to B
    "aid": ("aid", "PB"),
    "finance": ("finance", "PB"),
    "arms": ("arms", "PB"),
}
_NEW_TIES: dict[str, str] = {
    "defence_cooperation": "new dca {p}-{b}",
    "exercises": "{p}-{b} exercises +1",
    "alliance": "new alliance {p}>{b}",
}


def lever_changes(lever: dict[str, Any], p: str, b: str) -> tuple[str, list[str]] | None:
    """A lever of :func:`suasion.incentives` as what-if changes, with a description; None for a
    lever that has no what-if form.

    Trade levers change the flow by ``TRADE_STEP_PERCENT`` % (of the principal's flow, or of the
    third party's flow when the lever moves trade from it); aid, finance and arms by
    ``UNIT_STEP`` (USD m or TIV), no more than the third party supplies now.
    """
    from suasion.brief.facts import possessive, ref
    from suasion.brief.formats import amount

    channel, kind = str(lever["channel"]), str(lever["kind"])
    if kind == "new tie":
        template = _NEW_TIES.get(channel)
        if template is None:
            return None
        return f"a new {lever['lever']} with {ref(b)}", [template.format(p=p, b=b)]
    flow = _LEVER_FLOWS.get(channel)
    if flow is None:
        return None
    what, direction = flow
    src, dst = (p, b) if direction == "PB" else (b, p)
    goods = {"trade_market": f"{possessive(ref(p))} imports from {ref(b)}",
             "trade_supply": f"{possessive(ref(p))} exports to {ref(b)}",
             "aid": f"aid to {ref(b)}", "finance": f"official finance to {ref(b)}",
             "arms": f"arms deliveries to {ref(b)}"}[channel]

    def sized(x: float) -> str:
        return f"{amount(x)} TIV" if what == "arms" else f"USD {amount(x)} m"

    if kind == "expand":
        if what == "trade":
            return (f"{lever['lever']}: {TRADE_STEP_PERCENT}% more of {goods}",
                    [f"{src}>{dst} trade +{TRADE_STEP_PERCENT}%"])
        return (f"{lever['lever']}: {sized(UNIT_STEP)} more {goods}",
                [f"{src}>{dst} {what} +{_amount(UNIT_STEP)}"])
    if kind == "substitute":
        k = str(lever["third_party"])
        current = float(lever["current"])
        size = current * TRADE_STEP_PERCENT / 100 if what == "trade" else min(UNIT_STEP, current)
        if size <= 0:
            return None
        k_src, k_dst = (k, b) if direction == "PB" else (b, k)
        moved = {"trade_market": f"{possessive(ref(b))} exports", "trade_supply": f"{possessive(ref(b))} imports",
                 "aid": "aid", "finance": "official finance", "arms": "arms deliveries"}[channel]
        return (f"{lever['lever']}: take over {sized(size)} of {moved} from {ref(k)}",
                [f"{src}>{dst} {what} +{_amount(size)}", f"{k_src}>{k_dst} {what} -{_amount(size)}"])
    return None


def run_option(data: BriefData, route: str, counterpart: str, levers: pd.DataFrame) -> Option | None:
    """The what-if of the best lever over ``counterpart`` that has a what-if form."""
    import suasion

    assert data.principal is not None
    for _, row in levers[levers["marginal_pull"] > 0].iterrows():
        lever = row.to_dict()
        built = lever_changes(lever, data.principal, counterpart)
        if built is None:
            continue
        description, changes = built
        result = suasion.whatif(data.principal, data.target, changes, data.year, blocs=False)  # leverage rows unused
        paths = result.paths.set_index("state")
        option = Option(route=route, counterpart=counterpart, lever=lever, description=description,
                        changes=changes, changes_report=result.changes.to_dict("records"),
                        direct_before=float(paths.loc["before", "direct"]),
                        direct_after=float(paths.loc["after", "direct"]),
                        indirect_before=float(paths.loc["before", "indirect"]),
                        indirect_after=float(paths.loc["after", "indirect"]))
        if route == "broker":
            hit = result.brokers[result.brokers["broker"] == counterpart]
            if len(hit):
                option.broker_before = float(hit["before"].iloc[0])
                option.broker_after = float(hit["after"].iloc[0])
        return option
    return None


def options(data: BriefData, brokers_first: int = 2) -> None:
    """Options: the best offer to each of the first brokers, and the best direct lever over T."""
    import suasion

    assert data.principal is not None
    if data.brokers is not None:
        for b in list(data.brokers["broker"].head(brokers_first)):
            if b in data.levers:
                option = run_option(data, "broker", b, data.levers[b])
                if option is not None:
                    data.options.append(option)
    try:
        direct = suasion.incentives(data.principal, data.target, data.year)
    except SuasionError:
        return
    data.levers[data.target] = direct
    option = run_option(data, "direct", data.target, direct)
    if option is not None:
        data.options.append(option)


def scenario(data: BriefData, path: str | os.PathLike[str]) -> None:
    """The negotiation forecast with its ``FORECAST_LEVEL`` interval, and the actors' positions."""
    import suasion

    scen = suasion.read_scenario(path)
    data.scenario, data.scenario_name, data.scenario_path = scen, scen.name, str(path)
    data.forecast = suasion.forecast(scen, runs=FORECAST_RUNS, level=FORECAST_LEVEL, seed=FORECAST_SEED)
    data.positions = scen.to_frame()


def scenario_exchanges(data: BriefData) -> None:
    """The exchanges between the broker and the principal that both gain from, when both are in the
    scenario."""
    import suasion

    if data.scenario is None or data.broker is None or data.principal is None:
        return
    if data.broker in data.scenario.actors and data.principal in data.scenario.actors:
        data.exchanges = suasion.exchanges(data.scenario, data.broker, partner=data.principal)


def broker_background(data: BriefData) -> None:
    """Leverage both ways between the principal and the meeting's broker, over ``TREND_YEARS`` years."""
    import suasion

    assert data.principal is not None and data.broker is not None
    data.broker_history = suasion.dyad_history(data.principal, data.broker,
                                               years=(data.year - TREND_YEARS, data.year))


def register_view(data: BriefData, reg: Any, location: str, partners: list[str]) -> None:
    """Engagements and objectives with ``partners`` that the reader may see."""
    from sqlalchemy.exc import SQLAlchemyError

    shown = _hide_password(location)
    try:
        engagements: dict[int, dict[str, Any]] = {}
        objectives: dict[int, dict[str, Any]] = {}
        for code in partners:
            for e in reg.all_engagements(partner=code):
                engagements[e.id] = e.model_dump(mode="json")
            for o in reg.all_objectives(partner=code):
                objectives[o.id] = o.model_dump(mode="json")
        levels = reg.classifications()
    except SQLAlchemyError as exc:
        first = str(exc).strip().splitlines()[0]
        raise RegisterUnavailableError(f"register {shown}: cannot read it ({_hide_password(first)})") from None
    ordered = sorted(engagements.values(), key=lambda e: (e["start_date"], e["id"]))
    data.register = RegisterView(location=shown, reader=reg.actor.username, clearance=reg.actor.clearance,
                                 levels=list(levels), engagements=ordered,
                                 objectives=[objectives[k] for k in sorted(objectives)])


def event_trend(data: BriefData, store: str | os.PathLike[str], focus: str, others: list[str]) -> None:
    """``focus``'s events over the last ``EVENT_MONTHS`` months of the store (up to the brief's date):
    its main partners, its monthly series with each of ``others``, and the shifts flagged."""
    import pandas as pd

    import suasion

    if suasion.is_bloc(focus):
        data.events_note = f"event data are coded for states; {focus} is a bloc"
        return
    everything = suasion.top_partners(focus, end=data.date, n=0, store=store)
    if everything.empty:
        data.events_note = f"the event store holds no event between {focus} and another state"
        return
    end = dt.date.fromisoformat(str(everything["last_day"].max()))
    start = (pd.Timestamp(end).to_period("M") - (EVENT_MONTHS - 1)).to_timestamp().date()
    partners = suasion.top_partners(focus, start=start, end=end, n=5, store=store)
    series = {}
    for other in dict.fromkeys(others):
        if other is None or other == focus or suasion.is_bloc(other):
            continue
        series[other] = suasion.dyad_events(focus, other, freq="month", start=start, end=end, directed=False,
                                            store=store)
    alerts = suasion.event_alerts(focus, start=start, store=store)
    data.events = EventTrend(focus=focus, start=start, end=end, partners=partners, series=series, alerts=alerts)


def reach(data: BriefData) -> None:
    """Whom the target can move, and the last ``TREND_YEARS`` years of its three strongest sources."""
    import pandas as pd

    import suasion

    data.reach = suasion.leverage_of(data.target, data.year)
    assert data.movers is not None
    from suasion.brief.facts import states_only

    frames = [suasion.dyad_history(s, data.target, years=(data.year - TREND_YEARS, data.year))
              for s in states_only(data.movers)["source"].head(3)]
    if frames:
        both = pd.concat(frames, ignore_index=True)
        data.trends = both[both["target"] == data.target].reset_index(drop=True)
