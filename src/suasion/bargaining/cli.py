"""``suasion forecast | exchanges | backtest | offer | scenario new``: thin shells over the API."""

from __future__ import annotations

import math
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from suasion._output import OutputFormat, emit

if TYPE_CHECKING:
    import pandas as pd


class ModelName(str, Enum):
    compromise = "compromise"
    median = "median"
    bdm = "bdm"
    smp = "smp"
    exchange = "exchange"
    mixture = "mixture"


class BacktestInput(str, Enum):
    deu = "deu"
    csv = "csv"


class BacktestFormat(str, Enum):
    """The output format; ``deu`` is the spelling of ``--input-format deu`` before this release."""

    table = "table"
    csv = "csv"
    json = "json"
    deu = "deu"


class ScenarioFormat(str, Enum):
    csv = "csv"
    yaml = "yaml"
    deu = "deu"
    ktab = "ktab"
    ktab_xml = "ktab-xml"
    decide = "decide"


class Measure(str, Enum):
    cinc = "cinc"
    gdp = "gdp"
    leverage = "leverage"


FORMAT = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json.")


def parse_settings(pairs: list[str] | None) -> dict:
    """``--set key=value`` options to model settings (numbers, true/false, none, or text)."""
    from suasion.bargaining.scenario import ModelSettingError

    out: dict = {}
    for item in pairs or []:
        if "=" not in item:
            raise ModelSettingError(f"--set needs key=value, not {item!r}")
        key, raw = (part.strip() for part in item.split("=", 1))
        low = raw.lower()
        value: object
        if low in ("true", "false"):
            value = low == "true"
        elif low == "none":
            value = None
        else:
            try:
                value = int(raw)
            except ValueError:
                try:
                    value = float(raw)
                except ValueError:
                    value = raw
        out[key] = value
    return out


def _progress():
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), transient=True, console=Console(stderr=True))


def _interval(frame: pd.DataFrame, lo: str, hi: str) -> list[str]:
    return [f"[{a:.1f}, {b:.1f}]" if math.isfinite(a) else "" for a, b in zip(frame[lo], frame[hi])]


def forecast_command(
    scenario: Path = typer.Argument(..., help="Scenario file (csv, yaml, DEU, KTAB csv/xml, Decide)."),
    model: ModelName = typer.Option(ModelName.compromise, "--model", "-m", help="Forecasting model."),
    runs: int = typer.Option(0, "--runs", "-n", min=0, max=100_000,
                             help="Monte Carlo runs (0 = no sensitivity analysis)."),
    position_noise: float = typer.Option(0.05, min=0.0, max=1.0,
                                         help="Monte Carlo: position s.d. as a share of the scale."),
    salience_noise: float = typer.Option(0.1, min=0.0, max=1.0, help="Monte Carlo: salience s.d. on the 0-1 scale."),
    capability_noise: float = typer.Option(0.2, min=0.0, max=5.0, help="Monte Carlo: capability log-scale s.d."),
    seed: int = typer.Option(0, min=0, help="Random seed of the Monte Carlo runs."),
    input_format: ScenarioFormat | None = typer.Option(None, "--input-format", help="Scenario format "
                                                          "(default: detected)."),
    scenario_name: str | None = typer.Option(None, "--scenario", help="Which scenario of a CSV with a "
                                             "scenario column."),
    history: Path | None = typer.Option(None, "--history", help="Write the round-by-round positions "
                                           "(issue, round, actor, position) of a dynamic model to this CSV."),
    settings: list[str] | None = typer.Option(None, "--set", help="Model setting key=value, repeatable "
                                                 "(e.g. --set q=0.5 --set risk=false for bdm)."),
    alternatives: bool = typer.Option(False, "--alternatives", help="List the probability that the outcome "
                                      "equals each actor's position or the reference point."),
    fmt: OutputFormat = FORMAT,
) -> None:
    """Forecast every issue of a negotiation scenario: median, mean, quantiles and alternatives."""
    import pandas as pd

    from suasion._cli import atomic_output, output_path
    from suasion.bargaining.api import forecast
    from suasion.bargaining.readers import read_scenario

    output_path(history, "--history")
    options = parse_settings(settings)
    scen = read_scenario(scenario, input_format.value if input_format else None, scenario=scenario_name)
    if runs:
        if runs < 2:
            from suasion._cli import UsageError

            raise UsageError("--runs: a sensitivity analysis needs at least 2 runs (0 = none)")
        with _progress() as bar:
            task = bar.add_task(f"{model.value}: Monte Carlo", total=runs)
            frame = forecast(scen, model.value, runs=runs, position_noise=position_noise,
                             salience_noise=salience_noise, capability_noise=capability_noise, seed=seed,
                             on_run=lambda done, total: bar.update(task, completed=done), **options)
        shown, caption = frame, f"low/high: {model.value} forecasts of {runs} runs with perturbed inputs, 90% range"
    else:
        frame = forecast(scen, model.value, alternatives=alternatives, **options)
        shown, caption = frame, None
        if alternatives:
            caption = "probability that the outcome equals the value exactly (0 where the model cannot say)"
        elif fmt is OutputFormat.table:
            shown = pd.DataFrame({"issue": frame["issue"], "forecast": frame["forecast"], "mean": frame["mean"],
                                  "50% interval": _interval(frame, "q25", "q75"),
                                  "80% interval": _interval(frame, "q10", "q90"),
                                  "P(on a position)": frame["p_alternative"],
                                  "likeliest position (P)": [f"{a:g} ({p:.2f})" if math.isfinite(a) else "" for a, p in
                                                             zip(frame["top_alternative"], frame["p_top"])]})
            caption = ("forecast = median of the predictive distribution; quantiles q05-q95 in --format csv/json; "
                       "error bands fitted on DEU (frozen parameters)")
    if history is not None:
        from suasion.bargaining.registry import run_model

        result = run_model(model.value, scen, **options)
        if result.history is None:
            typer.echo(f"{model.value} is a static model: no history to write", err=True)
        else:
            with atomic_output(history, option="--history") as fh:
                result.history.to_csv(fh, index=False)
    emit(shown, fmt, records=frame.to_dict(orient="records"), title=f"{scen.name}: {model.value} forecast",
         caption=caption)


def exchanges_command(
    scenario: Path = typer.Argument(..., help="Scenario file with at least two issues."),
    actor: str = typer.Option(..., "--actor", "-a", help="The actor looking for a trade (P)."),
    partner: str | None = typer.Option(None, "--partner", "-b", help="Only trades with this partner."),
    top: int = typer.Option(20, "--top", "-n", min=0, help="Show at most this many trades (0 = all)."),
    input_format: ScenarioFormat | None = typer.Option(None, "--input-format"),
    scenario_name: str | None = typer.Option(None, "--scenario", help="Which scenario of a CSV with a "
                                             "scenario column."),
    fmt: OutputFormat = FORMAT,
) -> None:
    """Trades both sides gain from: what ACTOR gives (movement on which issue) and what it gets."""
    import pandas as pd

    from suasion.bargaining.api import exchanges
    from suasion.bargaining.readers import read_scenario

    scen = read_scenario(scenario, input_format.value if input_format else None, scenario=scenario_name)
    frame = exchanges(scen, actor, partner)
    if top:
        frame = frame.head(top)
    if frame.empty:
        typer.echo(f"no mutually beneficial exchange for {actor}" + (f" with {partner}" if partner else ""),
                   err=True)
        if fmt is OutputFormat.table:
            return
    shown = frame
    if fmt is OutputFormat.table and not frame.empty:
        shown = pd.DataFrame({
            "partner": frame["partner"],
            f"{actor} gives (moves on)": [f"{i}: {a:.1f} -> {b:.1f}" for i, a, b in
                                          zip(frame.gives_on, frame.gives_from, frame.gives_to)],
            "gets (partner moves on)": [f"{i}: {a:.1f} -> {b:.1f}" for i, a, b in
                                        zip(frame.gets_on, frame.gets_from, frame.gets_to)],
            "gain": frame["gain"].round(3),
            "others +/-": [f"+{g:.1f}/-{l:.1f}" for g, l in zip(frame.third_party_gain, frame.third_party_loss)]})
    emit(shown, fmt, records=frame.to_dict(orient="records"),
         title=f"exchanges for {actor}" + (f" with {partner}" if partner else ""),
         caption="gain: equal for both sides (Stokman equal-gain rate); others: utility change of third actors")


def _ci(value: float, lo: float, hi: float, signed: bool = False, digits: int = 2) -> str:
    sign = "+" if signed else ""
    return f"{value:{sign}.{digits}f} [{lo:{sign}.{digits}f}, {hi:{sign}.{digits}f}]"


def backtest_command(
    file: Path = typer.Argument(..., help="Data with known outcomes: the DEU wide file or a tidy CSV."),
    fmt: BacktestFormat = typer.Option(BacktestFormat.table, "--format", "-f",
                                       help="table, csv or json (deu: old spelling of --input-format deu)."),
    input_format: BacktestInput | None = typer.Option(None, "--input-format",
                                                      help="deu or csv (default: detected)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write one row per issue and model (prediction, "
                                    "outcome, mean, q05-q95) to this CSV."),
    models: str | None = typer.Option(None, help="Comma-separated models (default: all; with --frozen, the "
                                      "frozen ones)."),
    capabilities: Path | None = typer.Option(None, help="CSV actor,capability replacing the Council "
                                                "voting weights."),
    frozen: bool = typer.Option(False, "--frozen", help="Score with the parameters shipped in the package; fit "
                                "nothing."),
    folds: int = typer.Option(10, "--folds", min=2, max=1000, help="Cross-validation folds, grouped by proposal."),
    n_boot: int = typer.Option(2000, "--n-boot", min=10, max=100_000, help="Bootstrap resamples (of whole "
                               "proposals)."),
    seed: int = typer.Option(20240521, min=0, help="Seed of the folds and the bootstrap."),
    jobs: int = typer.Option(2, "--jobs", min=1, max=64, help="Worker processes for the dynamic models (at most "
                             "the number of CPUs; 1 = all in this process)."),
    old_output: OutputFormat | None = typer.Option(None, "--output", hidden=True),
) -> None:
    """Score every model's predictive distribution against the known outcomes (cross-validated)."""
    import pandas as pd

    from suasion._cli import UsageError, atomic_output, deprecated, output_path
    from suasion.bargaining.backtesting import backtest

    data_format = input_format.value if input_format else None
    if fmt is BacktestFormat.deu:
        deprecated("--format deu", "--input-format deu")
        if input_format not in (None, BacktestInput.deu):
            raise UsageError("--format deu contradicts --input-format csv")
        data_format, fmt = "deu", BacktestFormat.table
    if old_output is not None:
        deprecated("--output", "--format")
        fmt = BacktestFormat(old_output.value)
    output = OutputFormat(fmt.value)
    output_path(out)
    if capabilities is not None and not capabilities.is_file():
        raise UsageError(f"--capabilities: no such file {capabilities}")
    names = [m.strip() for m in models.split(",") if m.strip()] if models is not None else None
    if names is not None and not names:
        raise UsageError("--models: give at least one model")
    with _progress() as bar:
        task = bar.add_task("backtest", total=len(names or []) or 6)
        result = backtest(file, data_format, models=names, capabilities=capabilities, n_boot=n_boot, seed=seed,
                          folds=folds, frozen=frozen, jobs=jobs,
                          on_model=lambda name, done, total: bar.update(
                              task, completed=done, total=total, description=f"backtest: {name} done"))
    if frozen:
        from suasion.bargaining.frozen import frozen_parameters

        typer.echo(f"frozen parameters: {Path(frozen_parameters().path).name} sha256 {result.frozen_sha256}",
                   err=True)
    if out is not None:
        with atomic_output(out) as fh:
            result.predictions.to_csv(fh, index=False)
    s = result.summary
    how = (f"frozen parameters (sha256 {result.frozen_sha256[:12]}...)" if result.frozen
           else f"{result.folds}-fold cross-validation grouped by proposal")
    title = f"backtest on {result.n_issues} issues of {result.n_proposals} proposals, {how}"
    if output is not OutputFormat.table:
        emit(s, output)
        return
    base = result.baseline

    def delta(value, lo, hi, model):
        return "-" if model == base else _ci(value, lo, hi, signed=True, digits=1)

    point = pd.DataFrame({"model": s["model"], "MAE [95%]": [_ci(*v, digits=1) for v in zip(s.mae, s.mae_low, s.mae_high)],
                          "ΔMAE [95%]": [delta(*v, m) for m, *v in zip(s.model, s.diff_vs_baseline, s.diff_low, s.diff_high)],
                          "RMSE": [f"{v:.1f}" for v in s["rmse"]],
                          "ΔRMSE": [f"{v:+.1f}" if m != base else "-" for m, v in zip(s.model, s.diff_rmse)]})
    emit(point, output, title=title + ": point forecasts (the median)",
         caption=f"Δ: paired difference to {base}, negative = better; [95%]: bootstrap over proposals; smallest "
                 f"detectable ΔMAE {s['mde_mae'].min():.1f}-{s['mde_mae'].max():.1f} (5% test, 80% power)")
    dist = pd.DataFrame({"model": s["model"], "CRPS [95%]": [_ci(*v, digits=1) for v in zip(s.crps, s.crps_low, s.crps_high)],
                         "ΔCRPS [95%]": [delta(*v, m) for m, *v in zip(s.model, s.diff_crps, s.diff_crps_low,
                                                                       s.diff_crps_high)],
                         "hit [95%]": [_ci(*v) for v in zip(s.hit, s.hit_low, s.hit_high)]})
    emit(dist, output, title="distributions",
         caption=f"CRPS in scale points, lower = better (smallest detectable ΔCRPS {s['mde_crps'].min():.1f}-"
                 f"{s['mde_crps'].max():.1f}); hit: the outcome is the position nearest the forecast")
    cover = pd.DataFrame({"model": s["model"], "50%": [f"{v:.2f}" for v in s["cover50"]],
                          "80% [95%]": [_ci(*v) for v in zip(s.cover80, s.cover80_low, s.cover80_high)],
                          "90%": [f"{v:.2f}" for v in s["cover90"]],
                          **{f"PIT {k}": [f"{v:.2f}" for v in s[f"pit{k}"]] for k in (50, 80, 90)}})
    emit(cover, output, title="calibration: share of outcomes inside the central 50/80/90% intervals",
         caption="closed intervals: an outcome on an atom at an interval's end counts as inside, so a calibrated "
                 "forecast with atoms covers more; PIT: the same with ties on an atom split at random "
                 "(calibrated = 0.50/0.80/0.90)")


def offer_command(
    principal: str = typer.Option(..., "--principal", "-p", help="Who offers (state or bloc)."),
    broker: str = typer.Option(..., "--broker", "-b", help="Who is asked to work on the target."),
    target: str = typer.Option(..., "--target", "-t", help="The actor the broker should move."),
    year: int | None = typer.Option(None, "--year", "-y", help="Panel year (default: the latest year most "
                                    "channels observe)."),
    scenario: Path | None = typer.Option(None, "--scenario", "-s", help="A negotiation scenario with the "
                                         "principal and the broker: adds the exchanges."),
    input_format: ScenarioFormat | None = typer.Option(None, "--input-format", help="Scenario format."),
    issue: str | None = typer.Option(None, "--issue", help="The issue the principal asks the broker to move on "
                                     "(default: the one where the principal's stake is largest)."),
    runs: int = typer.Option(200, "--runs", min=0, max=10_000,
                             help="Monte Carlo runs that test each exchange (0 = none)."),
    seed: int = typer.Option(0, min=0, help="Seed of the Monte Carlo runs."),
    top: int = typer.Option(15, "--top", "-n", min=0, help="Show the N best (0 = all)."),
    fmt: OutputFormat = FORMAT,
) -> None:
    """What PRINCIPAL can offer BROKER to work on TARGET: levers and exchanges on one scale, ranked."""
    import pandas as pd

    from suasion.bargaining.offer import offer

    if scenario is not None and not scenario.is_file():
        from suasion._cli import UsageError

        raise UsageError(f"--scenario: no such file {scenario}")
    frame = offer(principal, broker, target, year, scenario=scenario, issue=issue, runs=runs, seed=seed,
                  format=input_format.value if input_format else None)
    ctx = frame.attrs["context"]
    shown = frame.head(top) if top else frame
    if fmt is OutputFormat.json:
        from suasion._output import print_json

        print_json({"context": ctx, "menu": shown.to_dict(orient="records")})
        return
    if fmt is OutputFormat.table:
        shown = pd.DataFrame({"rank": shown["rank"], "offer": shown["offer"], "cost to " + ctx["principal"]: shown["cost"],
                              "gain": [f"{v:.2g}" for v in shown["support_gain"]], "sure": shown["sure"],
                              "because": shown["sure_detail"]})
    p, b, t = ctx["principal"], ctx["broker"], ctx["target"]
    standing = ""
    if "leverage_over_target" in ctx:
        standing = (f"{b} is broker no. {ctx.get('broker_rank', '?')} for {p} over {t}: L({b}>{t}) "
                    f"{ctx['leverage_over_target']:.2g}, {p}'s pull over {b} {ctx.get('pull_from_principal', float('nan')):.2g}, "
                    f"direct L({p}>{t}) {ctx.get('direct_leverage', float('nan')):.2g}. ")
    if ctx.get("ask_issue"):
        scale = (f"gain = rise in {b}'s support for {p}'s position on {ctx['ask_issue']} ({ctx['broker_position']:g} vs "
                 f"{ctx['principal_position']:g}), as a share of the scale; exchanges: expected over {runs} perturbed "
                 f"runs; levers: per unit, pull gain x gap {ctx['gap']:.2f}")
    else:
        scale = (f"gain = rise in {b}'s support for {p}'s position per unit of each lever = pull gain x 1 (no "
                 f"scenario: {b} taken at the far end of the scale); add --scenario FILE for exchanges")
    emit(shown, fmt, title=f"What {p} can offer {b} to work on {t} ({ctx['year']})", caption=standing + scale)


scenario_app = typer.Typer(help="Negotiation scenario files.", no_args_is_help=True)


@scenario_app.command("new")
def scenario_new_command(
    actors: str = typer.Option(..., "--actors", "-a", help="Comma-separated actors (states or blocs), "
                               "e.g. EU,TUR,PAK,USA,CHN,SAU."),
    issue: str = typer.Option(..., "--issue", "-i", help="Name of the issue."),
    capability: Measure = typer.Option(Measure.cinc, "--capability", "-c", help="Capability measure: cinc, gdp or "
                                       "leverage (over --target)."),
    target: str | None = typer.Option(None, "--target", "-t", help="For --capability leverage: leverage over whom."),
    year: int | None = typer.Option(None, "--year", "-y", help="Year of the measure (default: the latest observed)."),
    name: str | None = typer.Option(None, "--name", help="Scenario name (default: the issue)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the YAML here (default: print it)."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
) -> None:
    """Write a YAML scenario to complete: capabilities from the panel, FILL for positions and saliences."""
    import sys

    from suasion._cli import UsageError, atomic_output, output_path
    from suasion.bargaining.builder import new_scenario

    output_path(out)
    if out is not None and out.exists() and not force:
        raise UsageError(f"--out: {out} exists; use --force to overwrite it")
    codes = [a.strip() for a in actors.split(",") if a.strip()]
    if len(codes) < 2:
        raise UsageError("--actors: give at least two actors, separated by commas")
    text = new_scenario(codes, issue, capability.value, year=year, target=target, name=name)
    if out is None:
        sys.stdout.write(text)
        return
    with atomic_output(out) as fh:
        fh.write(text)
    typer.echo(f"wrote {out}: fill in every FILL, then run: suasion forecast {out}", err=True)


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast_command)
    app.command("exchanges")(exchanges_command)
    app.command("backtest")(backtest_command)
    app.command("offer")(offer_command)
    app.add_typer(scenario_app, name="scenario")
