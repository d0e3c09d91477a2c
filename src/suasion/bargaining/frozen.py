"""The frozen forecaster parameters shipped with the package, and the one function that fits them.

``data/frozen/forecasters-<version>.json`` holds, fitted once on the whole DEU development part
(``deu_dev.csv``, 228 scored issues) and then never changed:

* ``band``: the censored-Laplace band scale b̃ of each deterministic model (share of the scale range);
* ``mixture``: π, τ̃, b̃ of the alternatives-mixture forecaster — the one candidate frozen before
  anything was scored on issues it was not fitted on;
* ``fitted_on``: the file's SHA-256, the number of issues and proposals, the capability table.

``suasion backtest FILE --frozen`` scores these models with these numbers and fits nothing; it prints
the SHA-256 of the parameter file so that a reader can check which numbers were used. A new fit is a
new version (a new file); an existing version is never overwritten (:func:`write_frozen`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from suasion.bargaining.models.mixture import MixtureParams
from suasion.bargaining.scenario import ModelSettingError

FROZEN_VERSION = 1
FROZEN_NAME = f"forecasters-{FROZEN_VERSION}.json"


@dataclass(frozen=True)
class FrozenParameters:
    version: int
    band: dict[str, float]
    mixture: MixtureParams
    fitted_on: dict[str, Any] = field(default_factory=dict)
    sha256: str = ""
    path: str = ""

    @property
    def models(self) -> tuple[str, ...]:
        """Every model the file holds parameters for (the deterministic ones and the mixture)."""
        return (*self.band, "mixture")

    def band_for(self, model: str) -> float:
        if model not in self.band:
            raise ModelSettingError(f"no frozen error band for model {model!r}; frozen models are "
                                    f"{', '.join(self.band)}")
        return self.band[model]


def frozen_path() -> Path:
    return Path(str(resources.files("suasion.bargaining").joinpath("data", "frozen", FROZEN_NAME)))


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def parse_frozen(text: str, path: str = "", sha256: str = "") -> FrozenParameters:
    doc = json.loads(text)
    mix = doc["mixture"]
    return FrozenParameters(version=int(doc["version"]), band={k: float(v) for k, v in doc["band"].items()},
                            mixture=MixtureParams(pi=float(mix["pi"]), tau=float(mix["tau"]), b=float(mix["b"])),
                            fitted_on=doc.get("fitted_on", {}), sha256=sha256, path=path)


@functools.lru_cache(maxsize=1)
def frozen_parameters() -> FrozenParameters:
    """The shipped parameters (read once)."""
    path = frozen_path()
    data = path.read_bytes()
    return parse_frozen(data.decode("utf-8"), str(path), hashlib.sha256(data).hexdigest())


def fit_parameters(source, format: str | None = "deu", *, min_actors: int = 3) -> dict[str, Any]:
    """Fit every band scale and the mixture on all scored issues of ``source`` (the document that
    :func:`write_frozen` stores). Deterministic models run with their default settings."""
    from suasion.bargaining.backtesting import load_scored
    from suasion.bargaining.models.mixture import fit_mixture, mixture_inputs
    from suasion.bargaining.predictive import BAND_MODELS, fit_band_scale
    from suasion.bargaining.registry import run_model

    scenario, sub = load_scored(source, format, min_actors=min_actors)
    lower, upper, y = sub.scale[:, 0], sub.scale[:, 1], sub.outcome
    band = {}
    for name in BAND_MODELS:
        extra = {"history": False} if name in ("bdm", "smp") else {}
        point = run_model(name, sub, **extra).forecast.to_numpy(dtype=float)
        band[name] = fit_band_scale(point, y, lower, upper)
    mix = fit_mixture(mixture_inputs(sub), y)
    path = Path(scenario.source) if scenario.source else None
    return {
        "version": FROZEN_VERSION,
        "band": {k: round(v, 6) for k, v in band.items()},
        "mixture": {"pi": round(mix.pi, 6), "tau": round(mix.tau, 6), "b": round(mix.b, 6),
                    "reference_point": True},
        "fitted_on": {"file": path.name if path else scenario.name,
                      "sha256": file_sha256(path) if path and path.is_file() else None,
                      "issues": int(sub.n_issues), "proposals": len(set(sub.group)), "min_actors": min_actors,
                      "capability": str(scenario.meta.get("capability", "")),
                      "units": "band and mixture scales are shares of each issue's scale range"},
    }


def write_frozen(document: dict[str, Any], path: str | Path) -> Path:
    """Write a parameter document; refuses to overwrite an existing file (a new fit is a new version)."""
    path = Path(path)
    if path.exists():
        raise ModelSettingError(f"{path} exists: frozen parameters are never overwritten; make a new version")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path
