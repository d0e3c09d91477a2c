"""``suasion forecast``, ``suasion exchanges`` and ``suasion backtest``: thin shells over the API."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import pandas as pd
import typer

from suasion._output import OutputFormat, emit


class ModelName(str, Enum):
    compromise = "compromise"
    median = "median"
    bdm = "bdm"
    smp = "smp"
    exchange = "exchange"


class BacktestFormat(str, Enum):
    deu = "deu"
    csv = "csv"


class ScenarioFormat(str, Enum):
    csv = "csv"
    yaml = "yaml"
    deu = "deu"
    ktab = "ktab"
    ktab_xml = "ktab-xml"
    decide = "decide"


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


def forecast_command(
    scenario: Path = typer.Argument(..., help="Scenario file (csv, yaml, DEU, KTAB csv/xml, Decide)."),
    model: ModelName = typer.Option(ModelName.compromise, "--model", "-m", help="Forecasting model."),
    runs: int = typer.Option(0, "--runs", "-n", help="Monte Carlo runs (0 = no sensitivity analysis)."),
    position_noise: float = typer.Option(0.05, help="Monte Carlo: position s.d. as a share of the scale."),
    salience_noise: float = typer.Option(0.1, help="Monte Carlo: salience s.d. on the 0-1 scale."),
    capability_noise: float = typer.Option(0.2, help="Monte Carlo: capability log-scale s.d."),
    seed: int = typer.Option(0, help="Random seed of the Monte Carlo runs."),
    input_format: ScenarioFormat | None = typer.Option(None, "--input-format", help="Scenario format "
                                                          "(default: detected)."),
    scenario_name: str | None = typer.Option(None, "--scenario", help="Which scenario of a CSV with a "
                                             "scenario column."),
    history: Path | None = typer.Option(None, "--history", help="Write the round-by-round positions "
                                           "(issue, round, actor, position) of a dynamic model to this CSV."),
    settings: list[str] | None = typer.Option(None, "--set", help="Model setting key=value, repeatable "
                                                 "(e.g. --set q=0.5 --set risk=false for bdm)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json."),
) -> None:
    """Forecast the outcome of every issue of a negotiation scenario."""
    from suasion.bargaining.api import forecast
    from suasion.bargaining.readers import read_scenario

    scen = read_scenario(scenario, input_format.value if input_format else None, scenario=scenario_name)
    options = parse_settings(settings)
    if runs:
        with _progress() as bar:
            task = bar.add_task(f"{model.value}: Monte Carlo", total=runs)
            frame = forecast(scen, model.value, runs=runs, position_noise=position_noise,
                             salience_noise=salience_noise, capability_noise=capability_noise, seed=seed,
                             on_run=lambda done, total: bar.update(task, completed=done), **options)
    else:
        frame = forecast(scen, model.value, **options)
    if history is not None:
        from suasion.bargaining.registry import run_model

        result = run_model(model.value, scen, **options)
        if result.history is None:
            typer.echo(f"{model.value} is a static model: no history to write", err=True)
        else:
            result.history.to_csv(history, index=False)
    emit(frame, fmt, title=f"{scen.name}: {model.value} forecast")


def exchanges_command(
    scenario: Path = typer.Argument(..., help="Scenario file with at least two issues."),
    actor: str = typer.Option(..., "--actor", "-a", help="The actor looking for a trade (P)."),
    partner: str | None = typer.Option(None, "--partner", "-b", help="Only trades with this partner."),
    top: int = typer.Option(20, help="Show at most this many trades."),
    input_format: ScenarioFormat | None = typer.Option(None, "--input-format"),
    scenario_name: str | None = typer.Option(None, "--scenario", help="Which scenario of a CSV with a "
                                             "scenario column."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json."),
) -> None:
    """Trades both sides gain from: what ACTOR gives (movement on which issue) and what it gets."""
    from suasion.bargaining.api import exchanges
    from suasion.bargaining.readers import read_scenario

    scen = read_scenario(scenario, input_format.value if input_format else None, scenario=scenario_name)
    frame = exchanges(scen, actor, partner).head(top)
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


def backtest_command(
    file: Path = typer.Argument(..., help="Data with known outcomes: the DEU wide file or a tidy CSV."),
    data_format: BacktestFormat = typer.Option(BacktestFormat.deu, "--format", help="deu or csv."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write per-issue predictions to this CSV."),
    models: str = typer.Option("compromise,median,bdm,smp,exchange", help="Comma-separated models."),
    capabilities: Path | None = typer.Option(None, help="CSV actor,capability replacing the Council "
                                                "voting weights."),
    n_boot: int = typer.Option(2000, help="Bootstrap resamples."),
    seed: int = typer.Option(20240521, help="Bootstrap seed."),
    jobs: int = typer.Option(1, help="Worker processes for the dynamic models."),
    output: OutputFormat = typer.Option(OutputFormat.table, "--output", help="table, csv or json."),
) -> None:
    """MAE of every model against the known outcomes, with bootstrap 95% intervals."""
    from suasion.bargaining.backtesting import backtest

    names = [m.strip() for m in models.split(",") if m.strip()]
    with _progress() as bar:
        task = bar.add_task("backtest", total=len(names))
        result = backtest(file, data_format.value, models=names, capabilities=capabilities, n_boot=n_boot,
                          seed=seed, jobs=jobs, on_model=lambda name, done, total: bar.update(
                              task, completed=done, description=f"backtest: {name} done"))
    if out is not None:
        result.predictions.to_csv(out, index=False)
    frame = result.summary
    if output is OutputFormat.table:
        s = result.summary
        frame = s[["model", "n"]].assign(
            MAE=s["mae"].round(2), **{"95% CI": [f"[{a:.2f}, {b:.2f}]" for a, b in zip(s.mae_low, s.mae_high)]},
            medAE=s["median_ae"].round(2),
            **{"vs baseline": [f"{d:+.2f} [{a:+.2f}, {b:+.2f}]" for d, a, b in
                               zip(s.diff_vs_baseline, s.diff_low, s.diff_high)]}
            if "diff_vs_baseline" in s else {})
    emit(frame, output, title=f"backtest on {result.n_issues} issues (MAE, 95% bootstrap interval)",
         caption="vs baseline = paired MAE difference to the compromise model; negative = better")


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast_command)
    app.command("exchanges")(exchanges_command)
    app.command("backtest")(backtest_command)
