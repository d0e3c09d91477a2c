"""``suasion brokers | paths | incentives | whatif``: working through others."""

from __future__ import annotations

from pathlib import Path

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    import pandas as pd

from suasion._output import OutputFormat, emit, print_json

YEAR = typer.Option(None, "--year", "-y", help="Year (default: the latest year most channels observe).")
PRINCIPAL = typer.Option(..., "--principal", "-p", help="The actor that wants the outcome (state or bloc).")
TARGET = typer.Option(..., "--target", "-t", help="The actor to be moved (state or bloc).")
FORMAT = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json.")
TOP = typer.Option(10, "--top", "-n", help="Show the N best (0 = all).")
CHANGES = typer.Option([], "--change", "-c", help='A change, e.g. "EU>TUR trade +20%" (repeatable).')
CHANGE_FILE = typer.Option(None, "--file", help="A file of changes, one per line.")


def _main_channel(channels: dict) -> str:
    name, value = max(channels.items(), key=lambda kv: kv[1])
    return f"{name} {value:.3f}" if value > 0 else "-"


def brokers_cmd(principal: str = PRINCIPAL, target: str = TARGET, year: int | None = YEAR, top: int = TOP,
                fmt: OutputFormat = FORMAT) -> None:
    """Whom PRINCIPAL can work through to move TARGET, best broker first."""
    import pandas as pd

    from suasion.influence import brokers

    frame = brokers(principal, target, year, top=top or None)
    first = frame.iloc[0]
    if fmt is OutputFormat.json:
        emit(frame, fmt)
    elif fmt is OutputFormat.csv:
        flat = frame.drop(columns=["channels", "flags"])
        for c in first["channels"]:
            flat[f"{c}"] = [ch[c] for ch in frame["channels"]]
        emit(flat, fmt)
    else:
        table = pd.DataFrame({
            "rank": frame["rank"], "broker": frame["broker"], "score": frame["score"],
            "L(B>T)": frame["leverage_over_target"], "pull": frame["pull_from_principal"],
            "align": frame["alignment"].astype(float), "broker's main lever on T": [_main_channel(c) for c in frame["channels"]],
        })
        emit(table, fmt, title=f"Brokers for {first['principal']} over {first['target']} in {first['year']}",
             caption=f"score = sqrt(pull(P>B) x L(B>T)); direct leverage L({first['principal']}>"
                     f"{first['target']}) = {first['direct_leverage']:.3f}")


def paths_cmd(principal: str = PRINCIPAL, target: str = TARGET, year: int | None = YEAR,
              hops: int = typer.Option(3, "--hops", "-k", help="Longest route, in hops."),
              attenuation: float = typer.Option(0.5, "--attenuation", "-a", help="Katz attenuation per extra hop."),
              top: int = typer.Option(15, "--top", "-n", help="Routes to show."), fmt: OutputFormat = FORMAT) -> None:
    """Routes of leverage from PRINCIPAL to TARGET, and direct versus indirect reach."""
    from suasion.influence import influence_paths

    frame = influence_paths(principal, target, year, hops=hops, attenuation=attenuation, top=top)
    attrs = frame.attrs
    if fmt is OutputFormat.json:
        first = frame.iloc[0]
        print_json({"principal": first["principal"], "target": first["target"], "year": int(first["year"]),
                    "hops": hops, "attenuation": attenuation, "direct": attrs["direct"],
                    "indirect": attrs["indirect"], "by_first_broker": attrs["top_via"],
                    "routes": frame.drop(columns=["principal", "target", "year"]).to_dict(orient="records")})
    elif fmt is OutputFormat.csv:
        emit(frame.assign(leverages=[";".join(f"{x:.6f}" for x in v) for v in frame["leverages"]]), fmt)
    else:
        first = frame.iloc[0]
        reach = "exceeds" if attrs["indirect"] > attrs["direct"] else "is below"
        emit(frame[["rank", "path", "hops", "strength"]], fmt,
             title=f"Routes from {first['principal']} to {first['target']} in {first['year']} (up to {hops} hops)",
             caption=f"direct {attrs['direct']:.4f}; indirect (all routes of 2-{hops} hops) {attrs['indirect']:.4f} "
                     f"- indirect reach {reach} direct leverage")


def incentives_cmd(principal: str = PRINCIPAL,
                   broker: str = typer.Option(..., "--broker", "-b", help="The broker to win over."),
                   year: int | None = YEAR,
                   third_parties: int = typer.Option(3, "--third-parties", help="Substitution levers per channel."),
                   top: int = typer.Option(15, "--top", "-n", help="Levers to show (0 = all)."),
                   fmt: OutputFormat = FORMAT) -> None:
    """What PRINCIPAL could offer BROKER: levers ranked by the pull each unit buys."""
    import pandas as pd

    from suasion.influence import incentives

    frame = incentives(principal, broker, year, third_parties=third_parties)
    if top:
        frame = frame.head(top)
    if fmt is not OutputFormat.table:
        emit(frame, fmt)
        return
    first = frame.iloc[0]
    table = pd.DataFrame({
        "rank": frame["rank"], "lever": frame["lever"],
        "how": [k if k != "substitute" else f"instead of {tp}" for k, tp in zip(frame["kind"], frame["third_party"])],
        "per unit": frame["unit"].str.replace(r" moved from \w+", "", regex=True),
        "pull gain": frame["marginal_pull"],
    })
    emit(table, fmt, title=f"What {first['principal']} can offer {first['broker']} ({first['year']})",
         caption=f"pull of {first['principal']} over {first['broker']} now {first['pull']:.3f}; "
                 "pull gain = change in pull per unit of the lever")


def whatif_cmd(principal: str = PRINCIPAL, target: str = TARGET, year: int | None = YEAR,
               change: list[str] = CHANGES, file: Path | None = CHANGE_FILE,
               hops: int = typer.Option(3, "--hops", "-k"), top: int = TOP, fmt: OutputFormat = FORMAT) -> None:
    """Change the panel (a copy) and compare leverage, brokers and paths before and after."""
    import pandas as pd

    from suasion.errors import SuasionError
    from suasion.influence import whatif
    from suasion.influence.counterfactual import SYNTAX, read_changes

    changes: list = list(change)
    if file is not None:
        changes.extend(read_changes(file))
    if not changes:
        raise SuasionError(f"give at least one --change or --file: {SYNTAX}")
    result = whatif(principal, target, changes, year, hops=hops)
    lev = result.leverage.head(top or None)
    brk = result.brokers.head(top or None)
    if fmt is OutputFormat.json:
        print_json({"changes": result.changes.to_dict(orient="records"),
                    "leverage_over_target": lev.to_dict(orient="records"),
                    "brokers": brk.to_dict(orient="records"),
                    "paths": result.paths.to_dict(orient="records"), "notes": result.notes})
        return
    if fmt is OutputFormat.csv:
        emit(pd.concat([lev.assign(table="leverage_over_target").rename(columns={"source": "actor"}),
                        brk.assign(table="brokers").rename(columns={"broker": "actor"})]), fmt)
        return
    emit(result.changes, fmt, title="Changes applied (to a copy of the panel)")
    emit(lev, fmt, title="Leverage over the target, before and after")
    emit(brk, fmt, title="Brokers, before and after")
    emit(result.paths, fmt, title="Principal's reach over the target")
    for note in result.notes:
        typer.echo(note)


def register(app: typer.Typer) -> None:
    app.command("brokers")(brokers_cmd)
    app.command("paths")(paths_cmd)
    app.command("incentives")(incentives_cmd)
    app.command("whatif")(whatif_cmd)
