"""``suasion leverage ...``: who can move whom, through which channels."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    import pandas as pd

from suasion._output import OutputFormat, emit

leverage_app = typer.Typer(help="Leverage between states and blocs: who can move whom, and through which channels.",
                           no_args_is_help=True)

YEAR = typer.Option(None, "--year", "-y", help="Year (default: the latest year most channels observe).")
MODEL = typer.Option("suasion", "--model", "-m", help="suasion (default) or fbic.")
TOP = typer.Option(15, "--top", "-n", help="Show the N strongest (0 = all).")
FORMAT = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json.")
WIDE = typer.Option(False, "--all-channels", help="Table: one column per channel instead of a summary.")

META_COLUMNS = ("rank", "source", "target", "year", "model", "score", "flags", "data_years")


def channel_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in META_COLUMNS]


def records(frame: pd.DataFrame) -> list[dict]:
    """JSON objects: identifiers, score, rank, ``channels`` (name -> contribution) and ``flags``."""
    channels = channel_columns(frame)
    out = []
    for row in frame.to_dict(orient="records"):
        rec = {k: row[k] for k in ("source", "target", "year", "model", "score") if k in row}
        if "rank" in row:
            rec["rank"] = row["rank"]
        rec["channels"] = {c: row[c] for c in channels}
        rec["flags"] = row["flags"]
        rec["data_years"] = row["data_years"]
        out.append(rec)
    return out


def summarise(frame: pd.DataFrame, key: str) -> tuple[pd.DataFrame, str]:
    """An 80-column table (rank, actor, score, main channels) and a caption on data flags."""
    import pandas as pd

    channels = channel_columns(frame)
    main = []
    for _, row in frame.iterrows():
        top = sorted(((row[c], c) for c in channels if pd.notna(row[c]) and row[c] > 0.0005), reverse=True)[:3]
        main.append(", ".join(f"{c} {v:.3f}" for v, c in top) or "-")
    table = pd.DataFrame({"rank": frame["rank"], key: frame[key], "score": frame["score"], "main channels": main})
    notes: dict[str, set] = {}
    for flags in frame["flags"]:
        for channel, flag in flags.items():
            if flag != "observed":
                notes.setdefault(flag.replace("carried forward from", "carried forward from"), set()).add(channel)
    caption = "; ".join(f"{flag}: {', '.join(sorted(chs))}" for flag, chs in sorted(notes.items()))
    return table, (f"data notes (some rows) — {caption}" if caption else "all channels observed")


def _show(frame: pd.DataFrame, fmt: OutputFormat, key: str, title: str, wide: bool) -> None:
    """Render a ranked leverage frame; ``title`` is formatted with the first row's fields."""
    title = title.format(**frame.iloc[0].to_dict()) if len(frame) else "Leverage"
    if fmt is OutputFormat.json:
        emit(frame, fmt, records=records(frame))
    elif fmt is OutputFormat.csv:
        flat = frame.drop(columns=["flags", "data_years"])
        for c in channel_columns(frame):
            flat[f"{c}_flag"] = [f[c] for f in frame["flags"]]
        emit(flat, fmt)
    elif wide:
        emit(frame.drop(columns=["flags", "data_years", "model"]), fmt, title=title)
    else:
        table, caption = summarise(frame, key)
        emit(table, fmt, title=title, caption=caption)


@leverage_app.command("over")
def over(target: str = typer.Argument(..., help="Target state or bloc (name, ISO3, ISO2, COW code, EU, NATO...)."),
         year: int | None = YEAR, model: str = MODEL, top: int = TOP, fmt: OutputFormat = FORMAT,
         wide: bool = WIDE) -> None:
    """Who holds leverage over TARGET, strongest first."""
    from suasion.leverage.api import leverage_over

    frame = leverage_over(target, year, model=model, top=top or None)
    _show(frame, fmt, "source", "Leverage over {target} in {year} ({model})", wide)


@leverage_app.command("of")
def of(source: str = typer.Argument(..., help="Source state or bloc."), year: int | None = YEAR,
       model: str = MODEL, top: int = TOP, fmt: OutputFormat = FORMAT, wide: bool = WIDE) -> None:
    """Whom SOURCE can move, strongest first."""
    from suasion.leverage.api import leverage_of

    frame = leverage_of(source, year, model=model, top=top or None)
    _show(frame, fmt, "target", "Leverage of {source} in {year} ({model})", wide)


@leverage_app.command("dyad")
def dyad(a: str = typer.Argument(..., help="First actor."), b: str = typer.Argument(..., help="Second actor."),
         model: str = MODEL, fmt: OutputFormat = FORMAT) -> None:
    """Leverage of A over B and of B over A in every year."""
    import pandas as pd

    from suasion.leverage.api import dyad_history

    frame = dyad_history(a, b, model=model)
    if fmt is not OutputFormat.table:
        if fmt is OutputFormat.json:
            emit(frame, fmt, records=records(frame))
        else:
            emit(frame.drop(columns=["flags", "data_years"]), fmt)
        return
    code_a, code_b = frame["source"].iloc[0], frame["target"].iloc[0]
    channels = channel_columns(frame)
    rows = []
    for year, grp in frame.groupby("year"):
        ab = grp[grp["source"] == code_a].iloc[0]
        ba = grp[grp["source"] == code_b].iloc[0]
        lead = ab if ab["score"] >= ba["score"] else ba
        top = max(channels, key=lambda c: (lead[c] if pd.notna(lead[c]) else -1))
        carried = {c: int(y) for c, y in ab["data_years"].items() if y is not None and y < year}
        rows.append({"year": year, f"{code_a}>{code_b}": ab["score"], f"{code_b}>{code_a}": ba["score"],
                     "main channel": top if lead[top] > 0 else "-",
                     "carried forward": (f"{len(carried)} channels, oldest {min(carried.values())}"
                                         if carried else "")})
    emit(pd.DataFrame(rows), fmt, title=f"{code_a} and {code_b}: leverage each way ({frame['model'].iloc[0]})")


@leverage_app.command("sensitivity")
def sensitivity(target: str = typer.Argument(..., help="Target state or bloc."), year: int | None = YEAR,
                model: str = MODEL, draws: int = typer.Option(1000, help="Weight draws."),
                concentration: float = typer.Option(100.0, help="Dirichlet concentration around the weights."),
                seed: int = typer.Option(0, help="Random seed."), top: int = TOP, fmt: OutputFormat = FORMAT) -> None:
    """Rank intervals of the sources over TARGET when channel weights are drawn around the defaults."""
    from suasion.leverage.api import leverage_sensitivity

    frame = leverage_sensitivity(target, year, model=model, draws=draws, concentration=concentration, seed=seed,
                                 top=top or None)
    if fmt is OutputFormat.table:
        show = frame[["rank", "source", "score", "rank_median", "rank_low", "rank_high"]]
        emit(show, fmt, title=f"Rank robustness over {frame['target'].iloc[0]} in {frame['year'].iloc[0]}",
             caption=f"95% rank interval over {draws} Dirichlet weight draws (concentration {concentration:g})")
    else:
        emit(frame, fmt)


@leverage_app.command("matrix")
def matrix(year: int | None = YEAR, model: str = MODEL) -> None:
    """The full source x target score matrix of one year, as CSV."""
    import sys

    from suasion.leverage.api import leverage_matrix

    leverage_matrix(year, model=model).to_csv(sys.stdout, float_format="%.6f")


def register(app: typer.Typer) -> None:
    app.add_typer(leverage_app, name="leverage")
