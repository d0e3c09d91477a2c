"""``suasion leverage ...``: who can move whom, through which channels."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    import pandas as pd

from suasion._output import OutputFormat, emit, format_number

leverage_app = typer.Typer(help="Leverage between states and blocs: who can move whom, and through which channels.",
                           no_args_is_help=True)


class ModelName(str, Enum):
    suasion = "suasion"
    suasion_2 = "suasion-2"
    suasion_1 = "suasion-1"
    fbic = "fbic"


YEAR = typer.Option(None, "--year", "-y", help="Year (default: the latest year most channels observe).")
MODEL = typer.Option(ModelName.suasion, "--model", "-m",
                     help="suasion (= suasion-2, the default), suasion-1 (the earlier version) or fbic.")
TOP = typer.Option(15, "--top", "-n", min=0, help="Show the N strongest (0 = all).")
FORMAT = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json.")
WIDE = typer.Option(False, "--all-channels", help="Table: one column per channel instead of a summary.")
BLOCS = typer.Option(True, "--blocs/--no-blocs", help="List blocs (EU, NATO, GCC, ...) beside states.")
MAX_CARRY = typer.Option(None, "--max-carry", min=0, metavar="YEARS",
                         help="Treat inputs carried forward more than YEARS years as missing.")


def channel_columns(frame: pd.DataFrame) -> list[str]:
    from suasion.leverage.api import META_COLUMNS

    return [c for c in frame.columns if c not in META_COLUMNS]


def records(frame: pd.DataFrame) -> list[dict]:
    """JSON objects: identifiers, score, share, rank, words, ``channels`` (name -> contribution),
    ``flags`` (name -> observed / carried forward from YEAR / missing) and ``data_years``."""
    channels = channel_columns(frame)
    keys = ("source", "target", "year", "model", "actor_type", "score", "share", "rank", "explanation",
            "main_channel", "main_channel_year", "oldest_input_year")
    out = []
    for row in frame.to_dict(orient="records"):
        rec = {k: row[k] for k in keys if k in row}
        rec["channels"] = {c: row[c] for c in channels}
        rec["flags"] = row["channel_flags"]
        rec["data_years"] = row["data_years"]
        out.append(rec)
    return out


def years_used_caption(frame: pd.DataFrame) -> str:
    """Per channel, the data year the rows shown actually use, where it is not the year asked."""
    from collections import Counter

    if frame.empty:
        return ""
    year = int(frame["year"].iloc[0])
    notes = []
    for channel in channel_columns(frame):
        used = Counter(y[channel] for y in frame["data_years"] if y.get(channel) is not None)
        if not used:
            notes.append(f"{channel} missing")
            continue
        common, _ = used.most_common(1)[0]
        if common < year:
            notes.append(f"{channel} {common}")
    return ("data years used (not " + str(year) + "): " + ", ".join(notes)) if notes else \
        f"every channel observed in {year}"


def summarise(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """An 80-column table: rank, actor (blocs marked), score, share and the reason in words."""
    import pandas as pd

    names = [f"{a} (bloc)" if kind == "bloc" else a for a, kind in zip(frame[key], frame["actor_type"])]
    return pd.DataFrame({"rank": frame["rank"], key: names, "score": frame["score"],
                         "share": [format_number(100 * s, 2) + "%" if pd.notna(s) else "" for s in frame["share"]],
                         "why": frame["explanation"]})


def _show(frame: pd.DataFrame, fmt: OutputFormat, key: str, title: str, wide: bool) -> None:
    """Render a ranked leverage frame; ``title`` is formatted with the first row's fields."""
    title = title.format(**frame.iloc[0].to_dict()) if len(frame) else "Leverage"
    if fmt is OutputFormat.json:
        emit(frame, fmt, records=records(frame))
    elif fmt is OutputFormat.csv:
        flat = frame.drop(columns=["channel_flags", "data_years"])
        for c in channel_columns(frame):
            flat[f"{c}_flag"] = [f[c] for f in frame["channel_flags"]]
        emit(flat, fmt)
    elif wide:
        emit(frame.drop(columns=["channel_flags", "data_years", "model", "explanation"]), fmt, title=title,
             caption=years_used_caption(frame))
    else:
        emit(summarise(frame, key), fmt, title=title, caption=years_used_caption(frame))


@leverage_app.command("over")
def over(target: str = typer.Argument(..., help="Target state or bloc (name, ISO3, ISO2, COW code, EU, NATO...)."),
         year: int | None = YEAR, model: ModelName = MODEL, top: int = TOP, fmt: OutputFormat = FORMAT,
         wide: bool = WIDE, blocs: bool = BLOCS, max_carry: int | None = MAX_CARRY) -> None:
    """Who holds leverage over TARGET, strongest first."""
    from suasion.leverage.api import leverage_over

    frame = leverage_over(target, year, model=model.value, top=top, blocs=blocs, max_carry=max_carry)
    _show(frame, fmt, "source", "Leverage over {target} in {year} ({model})", wide)


@leverage_app.command("of")
def of(source: str = typer.Argument(..., help="Source state or bloc."), year: int | None = YEAR,
       model: ModelName = MODEL, top: int = TOP, fmt: OutputFormat = FORMAT, wide: bool = WIDE,
       blocs: bool = BLOCS, max_carry: int | None = MAX_CARRY) -> None:
    """Whom SOURCE can move, strongest first."""
    from suasion.leverage.api import leverage_of

    frame = leverage_of(source, year, model=model.value, top=top, blocs=blocs, max_carry=max_carry)
    _show(frame, fmt, "target", "Leverage of {source} in {year} ({model})", wide)


@leverage_app.command("dyad")
def dyad(a: str = typer.Argument(..., help="First actor."), b: str = typer.Argument(..., help="Second actor."),
         model: ModelName = MODEL, fmt: OutputFormat = FORMAT, max_carry: int | None = MAX_CARRY) -> None:
    """Leverage of A over B and of B over A in every year."""
    import pandas as pd

    from suasion.leverage.api import dyad_history

    frame = dyad_history(a, b, model=model.value, max_carry=max_carry)
    if fmt is not OutputFormat.table:
        if fmt is OutputFormat.json:
            emit(frame, fmt, records=records(frame))
        else:
            emit(frame.drop(columns=["channel_flags", "data_years"]), fmt)
        return
    code_a, code_b = frame["source"].iloc[0], frame["target"].iloc[0]
    rows = []
    for year, grp in frame.groupby("year"):
        ab = grp[grp["source"] == code_a].iloc[0]
        ba = grp[grp["source"] == code_b].iloc[0]
        lead = ab if ab["score"] >= ba["score"] else ba
        carried = {c: int(y) for c, y in ab["data_years"].items() if y is not None and y < year}
        rows.append({"year": year, f"{code_a}>{code_b}": ab["score"], f"{code_b}>{code_a}": ba["score"],
                     "main channel": lead["main_channel"] or "-",
                     "carried forward": (f"{len(carried)} channels, oldest {min(carried.values())}"
                                         if carried else "")})
    emit(pd.DataFrame(rows), fmt, title=f"{code_a} and {code_b}: leverage each way ({frame['model'].iloc[0]})")


@leverage_app.command("sensitivity")
def sensitivity(target: str = typer.Argument(..., help="Target state or bloc."), year: int | None = YEAR,
                model: ModelName = MODEL,
                draws: int = typer.Option(1000, "--draws", min=1, max=100_000, help="Weight draws (1-100000)."),
                concentration: float = typer.Option(100.0, "--concentration",
                                                    help="Dirichlet concentration around the weights (> 0)."),
                seed: int = typer.Option(0, "--seed", min=0, help="Random seed (>= 0)."), top: int = TOP,
                fmt: OutputFormat = FORMAT) -> None:
    """Rank intervals of the sources over TARGET when channel weights are drawn around the defaults."""
    from suasion.leverage.api import leverage_sensitivity

    frame = leverage_sensitivity(target, year, model=model.value, draws=draws, concentration=concentration,
                                 seed=seed, top=top)
    if fmt is OutputFormat.table:
        show = frame[["rank", "source", "score", "rank_median", "rank_low", "rank_high"]]
        emit(show, fmt, title=f"Rank robustness over {frame['target'].iloc[0]} in {frame['year'].iloc[0]}",
             caption=f"95% rank interval over {draws} Dirichlet weight draws (concentration {concentration:g})")
    else:
        emit(frame, fmt)


@leverage_app.command("matrix")
def matrix(year: int | None = YEAR, model: ModelName = MODEL, max_carry: int | None = MAX_CARRY) -> None:
    """The full source x target score matrix of one year, as CSV."""
    import sys

    from suasion.leverage.api import leverage_matrix

    leverage_matrix(year, model=model.value, max_carry=max_carry).to_csv(sys.stdout, float_format="%.6g")


def register(app: typer.Typer) -> None:
    app.add_typer(leverage_app, name="leverage")
