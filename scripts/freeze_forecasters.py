"""Fit the forecaster parameters on the whole DEU development part and freeze them in a new version
of ``src/suasion/bargaining/data/frozen/forecasters-<version>.json``.

    .venv/bin/python scripts/freeze_forecasters.py [--deu ../shared/data/bargaining/deu/deu_dev.csv]

Fits (maximum likelihood, :func:`suasion.bargaining.frozen.fit_parameters`): the censored-Laplace band
scale of each deterministic model and π, τ̃, b̃ of the alternatives mixture. Scores nothing. Refuses to
overwrite an existing version: bump ``FROZEN_VERSION`` in ``suasion/bargaining/frozen.py`` for a new fit.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from suasion.bargaining.frozen import fit_parameters, frozen_path, write_frozen


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--deu", type=Path,
                    default=Path(__file__).resolve().parents[2] / "shared" / "data" / "bargaining" / "deu" / "deu_dev.csv")
    args = ap.parse_args()
    document = fit_parameters(args.deu, "deu")
    path = write_frozen(document, frozen_path())
    print(f"wrote {path}")
    print(json.dumps(document, indent=2))


if __name__ == "__main__":
    main()
