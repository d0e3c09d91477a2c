"""``suasion brokers | paths | incentives | whatif``: working through others."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from suasion._output import OutputFormat, emit, format_number, print_json

if TYPE_CHECKING:
    import pandas as pd

YEAR = typer.Option(None, "--year", "-y", help="Year (default: the latest year most channels observe).")
PRINCIPAL = typer.Option(..., "--principal", "-p", help="The actor that wants the outcome (state or bloc).")
TARGET = typer.Option(..., "--target", "-t", help="The actor to be moved (state or bloc).")
MODEL = typer.Option("suasion", "--model", "-m",
                     help="suasion (= suasion-2, the default), suasion-2 or suasion-1; FBIC cannot be used here.")
FORMAT = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json.")
TOP = typer.Option(10, "--top", "-n", min=0, help="Show the N best (0 = all).")
HOPS = typer.Option(3, "--hops", "-k", min=1, max=6, help="Longest route, in hops (1-6).")
CHANGES = typer.Option([], "--change", "-c", help='A change, e.g. "EU>TUR trade +20%" (repeatable).')
CHANGE_FILE = typer.Option(None, "--file", help="A file of changes, one per line.")


def _n(value: float) -> str:
    return format_number(float(value))


def _main_channel(channels: dict, data_years: dict, year: int) -> str:
    name, value = max(channels.items(), key=lambda kv: kv[1])
    if value <= 0:
        return "-"
    used = data_years.get(name)
    return f"{name} {_n(value)}" + (f" ({used} data)" if used is not None and used < year else "")


def _records(frame: pd.DataFrame, dict_columns: dict[str, str]) -> list[dict]:
    """JSON objects, with dict columns under stable keys (``channel_flags`` -> ``flags``)."""
    out = []
    for row in frame.to_dict(orient="records"):
        for column, key in dict_columns.items():
            if column in row:
                row[key] = row.pop(column)
        out.append(row)
    return out


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """CSV: one column per channel contribution and per channel flag instead of dicts."""
    flat = frame.drop(columns=["channels", "channel_flags", "data_years"])
    for c in frame["channels"].iloc[0]:
        flat[c] = [ch[c] for ch in frame["channels"]]
        flat[f"{c}_flag"] = [f[c] for f in frame["channel_flags"]]
    return flat


def brokers_cmd(principal: str = PRINCIPAL, target: str = TARGET, year: int | None = YEAR, top: int = TOP,
                model: str = MODEL, fmt: OutputFormat = FORMAT) -> None:
    """Whom PRINCIPAL can work through to move TARGET, best broker first."""
    import pandas as pd

    from suasion.influence import brokers

    frame = brokers(principal, target, year, top=top or None, model=model)
    first = frame.iloc[0]
    p, t = first["principal"], first["target"]
    if fmt is OutputFormat.json:
        emit(frame, fmt, records=_records(frame, {"channel_flags": "flags"}))
        return
    if fmt is OutputFormat.csv:
        emit(_flat(frame), fmt)
        return
    table = pd.DataFrame({
        "rank": frame["rank"], "broker": frame["broker"], "score": frame["score"],
        "pull(P>B)": frame["pull_from_principal"], "L(B>T)": frame["leverage_over_target"],
        "align": frame["alignment"].astype(float),
        "broker's main lever on T": [_main_channel(c, y, int(first["year"]))
                                     for c, y in zip(frame["channels"], frame["data_years"])],
    })
    emit(table, fmt, title=f"Brokers for {p} over {t} in {first['year']} ({first['model']})",
         caption=f"score = pull({p}>B) x L(B>{t}), the strength of the route {p} > B > {t} in 'suasion paths'; "
                 f"all scores sum to {_n(frame.attrs['two_hop'])}, {p}'s two-hop reach. Direct L({p}>{t}) = "
                 f"{_n(first['direct_leverage'])} and L(B>{t}) are the scores of 'suasion leverage over {t}'")


def paths_cmd(principal: str = PRINCIPAL, target: str = TARGET, year: int | None = YEAR, hops: int = HOPS,
              attenuation: float = typer.Option(0.5, "--attenuation", "-a",
                                                help="Discount per intermediary after the first, in (0, 1]."),
              top: int = typer.Option(15, "--top", "-n", min=0, help="Routes to show (0 = all)."),
              model: str = MODEL, fmt: OutputFormat = FORMAT) -> None:
    """Routes of influence from PRINCIPAL to TARGET, and direct versus indirect reach."""
    from suasion.influence import influence_paths

    frame = influence_paths(principal, target, year, hops=hops, attenuation=attenuation, top=top or None,
                            model=model)
    attrs = frame.attrs
    first = frame.iloc[0]
    if fmt is OutputFormat.json:
        print_json({"principal": first["principal"], "target": first["target"], "year": int(first["year"]),
                    "model": first["model"], "hops": hops, "attenuation": attenuation, "direct": attrs["direct"],
                    "two_hop": attrs["two_hop"], "indirect": attrs["indirect"],
                    "by_first_broker": attrs["by_first_broker"],
                    "routes": frame.drop(columns=["principal", "target", "year", "model"]).to_dict(orient="records")})
    elif fmt is OutputFormat.csv:
        emit(frame.assign(steps=[";".join(f"{x:.6g}" for x in v) for v in frame["steps"]]), fmt)
    else:
        p, t = first["principal"], first["target"]
        reach = "exceeds" if attrs["indirect"] > attrs["direct"] else "is below"
        emit(frame[["rank", "path", "hops", "strength"]], fmt,
             title=f"Routes from {p} to {t} in {first['year']} (up to {hops} hops, {first['model']})",
             caption=f"strength = pull along the route x the last broker's L over {t}, x {attenuation:g} per "
                     f"intermediary after the first; direct L({p}>{t}) {_n(attrs['direct'])}; indirect reach "
                     f"(all routes of 2-{hops} hops) {_n(attrs['indirect'])}, of which two-hop "
                     f"{_n(attrs['two_hop'])} (= the brokers table); indirect reach {reach} direct leverage")


def incentives_cmd(principal: str = PRINCIPAL,
                   broker: str = typer.Option(..., "--broker", "-b", help="The broker to win over."),
                   year: int | None = YEAR,
                   third_parties: int = typer.Option(3, "--third-parties", min=0,
                                                     help="Third parties per channel whose flows P could take over."),
                   top: int = typer.Option(15, "--top", "-n", min=0, help="Levers to show (0 = all)."),
                   model: str = MODEL, fmt: OutputFormat = FORMAT) -> None:
    """What PRINCIPAL could offer BROKER: levers ranked by the pull each unit buys."""
    import pandas as pd

    from suasion.influence import incentives

    frame = incentives(principal, broker, year, third_parties=third_parties, model=model)
    not_offered = frame.attrs.get("not_offered", {})
    if top:
        frame = frame.head(top)
    if fmt is not OutputFormat.table:
        emit(frame, fmt)
        return
    first = frame.iloc[0]
    table = pd.DataFrame({
        "rank": frame["rank"], "lever": frame["lever"],
        "how": [("instead of " + tp) if k == "substitute" else k for k, tp in zip(frame["kind"], frame["third_party"])],
        "one unit": frame["unit"],
        "data": [str(y) if pd.notna(y) else "none" for y in frame["data_year"]],
        "pull gain": frame["marginal_pull"],
    })
    caption = (f"pull of {first['principal']} over {first['broker']} now {_n(first['pull'])}; pull gain per unit: "
               "the model's derivative for amounts, an exact recomputation for new ties; 'data' is the year "
               "the lever's data come from; column 'whatif' (--format csv|json) gives the change to try")
    if not_offered:
        caption += "; not offered: " + ", ".join(f"{lever} ({why})" for lever, why in not_offered.items())
    emit(table, fmt, title=f"What {first['principal']} can offer {first['broker']} ({first['year']}, {first['model']})",
         caption=caption)


def whatif_cmd(principal: str = PRINCIPAL, target: str = TARGET, year: int | None = YEAR,
               change: list[str] = CHANGES, file: Path | None = CHANGE_FILE, hops: int = HOPS, top: int = TOP,
               model: str = MODEL, fmt: OutputFormat = FORMAT) -> None:
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
    result = whatif(principal, target, changes, year, hops=hops, model=model)
    lev = result.leverage.head(top or None)
    brk = result.brokers.head(top or None)
    if fmt is OutputFormat.json:
        print_json({"changes": result.changes.to_dict(orient="records"),
                    "dyads": result.dyads.to_dict(orient="records"),
                    "leverage_over_target": lev.to_dict(orient="records"),
                    "brokers": brk.to_dict(orient="records"),
                    "paths": result.paths.to_dict(orient="records"), "notes": result.notes})
        return
    if fmt is OutputFormat.csv:
        emit(pd.concat([lev.assign(table="leverage_over_target").rename(columns={"source": "actor"}),
                        brk.assign(table="brokers").rename(columns={"broker": "actor"})]), fmt)
        return
    emit(result.changes.drop(columns=["cells"]), fmt, title="Changes applied (to a copy of the panel), per direction")
    emit(result.dyads, fmt, title="Leverage and pull each way between the changed actors")
    emit(lev, fmt, title="Leverage over the target, before and after")
    emit(brk, fmt, title="Brokers (pull x L(B>T)), before and after")
    emit(result.paths, fmt, title="The principal's reach over the target")
    for note in result.notes:
        typer.echo(note)


def register(app: typer.Typer) -> None:
    app.command("brokers")(brokers_cmd)
    app.command("paths")(paths_cmd)
    app.command("incentives")(incentives_cmd)
    app.command("whatif")(whatif_cmd)
