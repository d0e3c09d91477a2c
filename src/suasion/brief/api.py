"""``suasion.brief(...)``: from a question to a paper a minister can read.

The brief is assembled in three steps that share nothing but data: :mod:`.gather` asks the public
API, :mod:`.facts` writes the statements from the numbers, :mod:`.render` lays them out as HTML
(then PDF through WeasyPrint) or Markdown. :class:`Brief` keeps the document and the data behind it.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import shlex
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from suasion.brief import facts, gather, render
from suasion.brief.gather import BriefData, BriefInputError, RegisterView

DEFAULT_MARKING = "UNCLASSIFIED"
_MARKING_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 /,()+.-]{0,63}$")
FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf", ".md": "markdown"}


@dataclass
class Brief:
    """A rendered brief and the data behind it.

    ``html`` (self-contained: inline CSS and SVG), ``markdown`` and :meth:`pdf` are rendered on
    first use; ``data`` holds every API answer the brief shows; ``bottom_line`` and ``key_points``
    are the generated statements with the numbers they cite; ``marking`` is the brief's marking
    (the highest of ``--marking`` and the markings of the register records it shows).
    """

    kind: str
    marking: str
    command: str
    data: BriefData
    bottom_line: list[facts.Statement]
    key_points: list[facts.Statement]
    timings: dict[str, float] = field(default_factory=dict)

    @functools.cached_property
    def html(self) -> str:
        with _timed(self.timings, "render html"):
            return render.html(self._context())

    @functools.cached_property
    def markdown(self) -> str:
        with _timed(self.timings, "render markdown"):
            return render.markdown(self._context())

    def _context(self) -> dict[str, Any]:
        return render.context(self.data, self.marking, self.command, _version(), self.bottom_line,
                              self.key_points)

    def pdf(self) -> bytes:
        """The PDF (A4), rendered by WeasyPrint from :attr:`html`."""
        text = self.html
        with _timed(self.timings, "render pdf"):
            return render.pdf(text)

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the brief to ``path`` (``.html``, ``.pdf`` or ``.md``), atomically: a failure leaves
        nothing behind."""
        from suasion._cli import atomic_output

        out = Path(path)
        fmt = output_format(out)
        if fmt == "pdf":
            payload = self.pdf()
            with atomic_output(out, "wb") as handle:
                handle.write(payload)
        else:
            text = self.html if fmt == "html" else self.markdown
            with atomic_output(out, "w") as handle:
                handle.write(text)
        return out


def output_format(path: str | os.PathLike[str]) -> str:
    """``html``, ``pdf`` or ``markdown`` from a file name; a :class:`BriefInputError` otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise BriefInputError(f"-o {path}: the file name must end in .html, .pdf or .md")
    return FORMATS[suffix]


@contextmanager
def _timed(timings: dict[str, float], part: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[part] = timings.get(part, 0.0) + time.perf_counter() - start


def _version() -> str:
    from suasion import __version__

    return __version__


def check_marking(marking: str | None) -> str | None:
    """A marking is letters, digits, spaces and ``/ , ( ) + . -``, at most 64 characters."""
    if marking is None:
        return None
    text = " ".join(str(marking).split())
    if not _MARKING_RE.match(text):
        raise BriefInputError(f"--marking {marking!r}: use letters, digits, spaces and / , ( ) + . - "
                              "(at most 64 characters)")
    return text


def marking_floor(given: str | None, levels: list[str], clearance: str) -> str:
    """The register marking ``given`` names (case-insensitive), or the lowest; refused when it is not one
    of ``levels`` or is above the reader's ``clearance``."""
    order = {level.upper(): k for k, level in enumerate(levels)}
    if given is not None and given.upper() not in order:
        raise BriefInputError(f"--marking {given!r} is not a marking of the register ({', '.join(levels)})")
    base = levels[order[given.upper()]] if given is not None else levels[0]
    if order[base.upper()] > order.get(clearance.upper(), -1):
        raise BriefInputError(f"--marking {base} is above the reader's clearance {clearance}")
    return base


def brief_marking(given: str | None, view: RegisterView | None) -> str:
    """The brief's marking: the highest of ``given`` and every marking among the register records shown.

    Without a register the marking is ``given`` or ``UNCLASSIFIED``. With one, ``given`` must be one
    of the register's markings and within the reader's clearance; the default is the lowest marking.
    """
    if view is None:
        return given or DEFAULT_MARKING
    base = marking_floor(given, view.levels, view.clearance)
    order = {level.upper(): k for k, level in enumerate(view.levels)}
    shown = [r["classification"] for r in view.engagements + view.objectives]
    return max([base, *shown], key=lambda level: order.get(level.upper(), -1))


def reproduce_command(principal: str | None, target: str, year: int, kind: str, date: dt.date,
                      broker: str | None, scenario: Any, register: Any, events: Any, marking: str | None,
                      user: str | None, output_name: str) -> str:
    """The command line that writes this brief again (no secret: passwords in URLs are hidden)."""
    parts = ["suasion", "brief"]
    if principal:
        parts += ["--principal", principal]
    parts += ["--target", target, "--year", str(year), "--kind", kind]
    if broker:
        parts += ["--broker", broker]
    if scenario is not None:
        parts += ["--scenario", str(scenario)]
    if register is not None:
        parts += ["--register", gather._hide_password(str(register)) if isinstance(register, (str, os.PathLike))
                  else "REGISTER"]
    if user:
        parts += ["--user", user]
    if events is not None:
        parts += ["--events", str(events)]
    if marking:
        parts += ["--marking", marking]
    parts += ["--date", date.isoformat(), "-o", output_name]
    return " ".join(shlex.quote(p) for p in parts)


def brief(principal: str | None, target: str, *, year: int | None = None, broker: str | None = None,
          scenario: str | os.PathLike[str] | None = None, register: Any = None,
          events: str | os.PathLike[str] | None = None, kind: str = "minister", marking: str | None = None,
          date: dt.date | str | None = None, user: str | None = None, password: str | None = None,
          token: str | None = None, output_name: str | None = None) -> Brief:
    """Write a brief on how ``principal`` can move ``target``.

    ``kind``: ``minister`` (one or two A4 pages), ``meeting`` (with ``broker``; the best broker when
    none is given) or ``country`` (a profile of ``target``; ``principal`` optional). ``scenario``: a
    negotiation scenario file (forecast with interval; exchanges in a meeting brief). ``register``: a
    register path or URL read as ``user`` (``password``) or with ``token``, or a :class:`suasion.Register`
    already bound to a user; only records within the reader's clearance are shown. ``events``: an event
    store folder. ``marking``: the minimum marking. ``date``: the date printed on the brief (default
    today; pin it for byte-identical output). ``output_name``: the file name shown in the command that
    reproduces the brief.

    Returns a :class:`Brief`: ``.html``, ``.markdown``, ``.pdf()``, ``.write(path)``, and ``.data``.
    Bad input (unknown actor, principal = target, unreadable scenario, unreachable register) raises a
    :class:`suasion.errors.SuasionError` before anything is computed.
    """
    from suasion._cli import parse_date

    timings: dict[str, float] = {}
    with _timed(timings, "check inputs"):
        marking = check_marking(marking)
        when = date if isinstance(date, dt.date) else parse_date(date, "--date") if date else dt.date.today()
        p, t, b, y = gather.resolve_actors(principal, target, broker, year, kind)
        scen_path = None
        if scenario is not None:
            scen_path = Path(scenario)
            if not scen_path.is_file():
                raise BriefInputError(f"--scenario {scenario}: no such file")
        reg = None
        if register is not None:
            reg = gather.open_register(register, user=user, password=password, token=token)
            marking_floor(marking, reg.classifications(), reg.actor.clearance)
        if events is not None and not Path(events).is_dir():
            raise BriefInputError(f"--events {events}: no such folder")
    data = BriefData(kind=kind, principal=p, target=t, year=y, date=when, model="", broker=b)
    if scen_path is not None:
        with _timed(timings, "scenario"):
            gather.scenario(data, scen_path)
    with _timed(timings, "who can move the target"):
        gather.movers(data)
    if p is not None:
        with _timed(timings, "own leverage"):
            gather.own_leverage(data)
        with _timed(timings, "brokers and levers"):
            gather.broker_table(data, top=gather.TOP_BROKERS if kind == "minister" else 1)
    if kind == "meeting":
        if data.broker is None:
            if data.brokers is None or data.brokers.empty:
                raise BriefInputError(f"no broker between {p} and {t}; give --broker")
            data.broker = str(data.brokers["broker"].iloc[0])      # its levers are in data.levers already
        with _timed(timings, "broker background"):
            gather.broker_background(data)
        gather.scenario_exchanges(data)
    if kind == "country":
        with _timed(timings, "reach and trends"):
            gather.reach(data)
    if kind == "minister":
        with _timed(timings, "options (what-if)"):
            gather.options(data)
    if reg is not None:
        partners = [t] + ([data.broker] if data.broker else [])
        if kind == "minister" and data.brokers is not None:
            partners += list(data.brokers["broker"].head(gather.TOP_BROKERS))
        with _timed(timings, "register"):
            gather.register_view(data, reg, str(register) if isinstance(register, (str, os.PathLike))
                                 else "register", list(dict.fromkeys(partners)))
    if events is not None:
        with _timed(timings, "events"):
            if kind == "meeting":
                assert data.broker is not None
                gather.event_trend(data, events, data.broker, [t, p])
            else:
                others = [p] + (list(data.brokers["broker"].head(gather.TOP_BROKERS))
                                if data.brokers is not None else [])
                gather.event_trend(data, events, t, others)
    final_marking = brief_marking(marking, data.register)
    name = output_name or "brief.html"
    command = reproduce_command(principal and p, t, y, kind, when, data.broker if kind == "meeting" else b,
                                scenario, register, events, marking, user if reg is not None else None, name)
    with _timed(timings, "statements"):
        bottom, points = facts.bottom_line(data), facts.key_points(data)
    data.timings = timings
    return Brief(kind=kind, marking=final_marking, command=command, data=data, bottom_line=bottom,
                 key_points=points, timings=timings)
