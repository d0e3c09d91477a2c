"""A ``sanctions`` user channel built from the user's own copy of the Global Sanctions Data Base.

GSDB's terms do not allow republishing values derived from it, so suasion ships none: the user
runs ``suasion data add GSDB_V3.csv --input-format gsdb`` (or :func:`add_sanctions_channel`) and
the channel is stored beside the bundled panel in ``data_home()/channels`` like any user channel.

Rule (:func:`sanctions_frame`), from the case-level file (release 3: ``case_id``,
``sanctioned_state``, ``sanctioning_state``, ``begin``, ``end``, and 0/1 flags ``trade``,
``arms``, ``military``, ``financial``, ``travel``, ``other``):

* each case is in force in every year from ``begin`` to ``end`` (``end`` = the last year of the
  release means "still in force when the release was cut");
* sender and target cells may list several actors separated by commas ("United States, France");
  a name that contains a comma itself ("Korea, North", "Egypt, Arab Rep.") is rejoined when its
  second part is not a name on its own;
* senders and targets that are blocs suasion knows (EU and its predecessor EEC, AU, NATO, GCC,
  ASEAN, SCO) are expanded to their members of each year (:func:`suasion.actors.bloc_members`);
  other organisations (UN, League of Arab States, ECOWAS, G7, ...), non-state targets and names
  that do not resolve to a panel state are dropped and counted in the report;
* value for sender A, target B, year t = number of instrument types (of the six) that at least
  one case of A against B has in force in t, 0-6;
* every existing pair in the years the file covers (from the panel's first year to the release's
  last year) without a case is an observed 0; later years are missing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from suasion.errors import InputFileError, SuasionError

INSTRUMENTS = ("trade", "arms", "military", "financial", "travel", "other")
GSDB_COLUMNS = ("case_id", "sanctioned_state", "sanctioning_state", "begin", "end", *INSTRUMENTS)


@dataclass
class SanctionsResult:
    """The sender -> target -> year counts and what was left out."""

    frame: pd.DataFrame                                  # source, target, year, value (value > 0)
    years: tuple[int, int]                               # years in which absence is an observed 0
    dropped: dict[str, int] = field(default_factory=dict)  # organisation / unknown name -> case rows
    cases: int = 0


def _split_actors(cell: str, resolves) -> list[str]:
    parts = [p.strip() for p in str(cell).split(",") if p.strip()]
    out: list[str] = []
    i = 0
    while i < len(parts):
        if i + 1 < len(parts) and not resolves(parts[i + 1]) and resolves(f"{parts[i]}, {parts[i + 1]}"):
            out.append(f"{parts[i]}, {parts[i + 1]}")
            i += 2
        else:
            out.append(parts[i])
            i += 1
    return out


def _members(actors: list[tuple[str, str | None]], year: int, states: set[str], iso, bloc_members) -> set[str]:
    """States behind a list of (name, bloc code or None) in ``year``."""
    out: set[str] = set()
    for name, bloc in actors:
        if bloc is None:
            out.add(iso(name))
            continue
        try:
            out |= set(bloc_members(bloc, year)) & states
        except SuasionError:  # a year before the bloc existed
            continue
    return out


def read_gsdb(path: Path) -> pd.DataFrame:
    """The GSDB case file, checked: InputFileError names the file and what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(str(path), "file not found")
    try:
        t = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputFileError(str(path), f"cannot read as CSV ({reason})") from None
    missing = [c for c in GSDB_COLUMNS if c not in t.columns]
    if missing:
        raise InputFileError(str(path), f"not a GSDB case file: lacks column(s) {', '.join(missing)}", line=1)
    if t.empty:
        raise InputFileError(str(path), "file has a header but no data rows", line=2)
    for column in ("begin", "end", *INSTRUMENTS):
        values = pd.to_numeric(t[column], errors="coerce")
        bad = values.isna() | (values != values.round())
        if column in INSTRUMENTS:
            bad |= ~values.isin([0, 1])
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputFileError(str(path), f"{t[column].iloc[row]!r} is not "
                                 f"{'0 or 1' if column in INSTRUMENTS else 'a year'}", line=row + 2,
                                 column=column)
        t[column] = values.astype(int)
    late = t["begin"] > t["end"]
    if late.any():
        row = int(np.flatnonzero(late.to_numpy())[0])
        raise InputFileError(str(path), f"begin {t['begin'].iloc[row]} is after end {t['end'].iloc[row]}",
                             line=row + 2, column="begin")
    return t


def sanctions_frame(cases: pd.DataFrame, states: set[str], first_year: int, last_year: int) -> SanctionsResult:
    """Sender -> target -> year number of instrument types in force (see the module docstring).

    ``states`` are the ISO3 codes a sender or target may have; ``first_year``/``last_year`` bound
    the years kept (the panel's).
    """
    from suasion.actors import bloc_code, bloc_members, to_iso3

    cache: dict[str, str | None] = {}

    def iso(name: str) -> str | None:
        if name not in cache:
            try:
                cache[name] = to_iso3(name)
            except SuasionError:
                cache[name] = None
        return cache[name]

    def resolves(name: str) -> bool:
        return bloc_code(name) is not None or iso(name) is not None

    dropped: Counter[str] = Counter()
    rows: list[tuple[str, str, int, int]] = []
    for case in cases.itertuples(index=False):
        flags = [i for i, name in enumerate(INSTRUMENTS) if getattr(case, name) == 1]
        if not flags:
            continue
        years = range(max(case.begin, first_year), min(case.end, last_year) + 1)
        sides: dict[str, list[tuple[str, str | None]]] = {"sender": [], "target": []}
        for side, cell in (("target", case.sanctioned_state), ("sender", case.sanctioning_state)):
            for name in _split_actors(cell, resolves):
                bloc = bloc_code(name)
                if bloc is not None:
                    sides[side].append((name, bloc))
                elif iso(name) in states:
                    sides[side].append((name, None))
                else:
                    dropped[f"{side}: {name}"] += 1
        for year in years:
            senders, targets = (_members(sides[side], year, states, iso, bloc_members) for side in ("sender", "target"))
            for sender in senders:
                for target in targets:
                    if sender != target:
                        rows.extend((sender, target, year, f) for f in flags)
    long = pd.DataFrame(rows, columns=["source", "target", "year", "instrument"])
    frame = (long.drop_duplicates().groupby(["source", "target", "year"], as_index=False)["instrument"].size()
             .rename(columns={"size": "value"}))
    frame["value"] = frame["value"].astype(np.float64)
    frame["year"] = frame["year"].astype(np.int16)
    last = min(int(cases["end"].max()), last_year)
    return SanctionsResult(frame=frame, years=(first_year, last), dropped=dict(dropped.most_common()),
                           cases=len(cases))


def add_sanctions_channel(path: Path, name: str = "sanctions", *, weight: float = 0.1,
                          scale: str = "count") -> SanctionsResult:
    """Build the ``sanctions`` user channel from a GSDB case file and store it (nothing is written
    unless the whole file is valid). Returns the counts and the dropped organisations and names."""
    from suasion.panel.store import check_user_channel_options, load_panel, store_user_channel

    weight = check_user_channel_options(name, scale, weight)
    cases = read_gsdb(Path(path))
    panel = load_panel(user_channels=False)
    years = (int(panel.years[0]), int(panel.years[-1]))
    result = sanctions_frame(cases, set(panel.actors), *years)
    if result.frame.empty:
        raise InputFileError(str(path), "no sanction case between two panel states in the panel's years")
    t = result.frame["year"].to_numpy(dtype=np.int64) - years[0]
    lookup = pd.Index(panel.actors)
    keep = (panel.exists[t, lookup.get_indexer(result.frame["source"])]
            & panel.exists[t, lookup.get_indexer(result.frame["target"])])  # both states that year
    result.frame = result.frame[keep].reset_index(drop=True)
    meta = {"unit": "instrument types (0-6)", "scale": scale, "weight": weight,
            "description": "sanction instrument types in force from source against target (GSDB; "
                           "built from the user's copy, not bundled)",
            "file": Path(path).name, "rows": len(result.frame), "zero_years": list(result.years),
            "input_format": "gsdb", "dropped": result.dropped}
    store_user_channel(result.frame, name, meta)
    return result
