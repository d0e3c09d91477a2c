"""Compute suasion-2's half-saturation constants by the rule fixed in docs/methods.md.

For every channel, kappa is the median of the exposure ``x[b] = sum_a F[a, b] / S[b]`` over all
receivers with a positive inflow in that channel, pooled over 2000-2020, in the bundled panel,
rounded to two significant figures. The printed dictionary is frozen (pasted) into
``suasion.leverage.model.SUASION_2_KAPPA``; ``--check`` compares the frozen values with the rule
applied to the current panel.

    .venv/bin/python scripts/freeze_suasion2.py [--check]
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from suasion.leverage.inputs import suasion_inputs
from suasion.leverage.model import SUASION_2, SUASION_2_KAPPA
from suasion.panel import load_panel

FIRST, LAST = 2000, 2020


def two_significant(value: float) -> float:
    if value <= 0 or not math.isfinite(value):
        return value
    digits = 1 - int(math.floor(math.log10(value)))
    return round(value, digits)


def median_exposures() -> dict[str, tuple[float, int]]:
    """Median positive exposure and the number of receiver-years it is taken over, per channel."""
    panel = load_panel(user_channels=False)
    inputs = suasion_inputs(panel, SUASION_2)
    years = inputs.years
    rows = (years >= FIRST) & (years <= LAST)
    out = {}
    for name in SUASION_2.names:
        ch = inputs.channels[name]
        flows = np.fmax(np.nan_to_num(ch.flows[rows], nan=0.0), 0.0)
        inflow = flows.sum(axis=1)                               # [Y, N]
        scale = ch.scale[rows]
        with np.errstate(invalid="ignore", divide="ignore"):
            x = inflow / scale
        ok = (inflow > 0) & np.isfinite(x) & (x > 0) & inputs.exists[rows]
        out[name] = (float(np.median(x[ok])) if ok.any() else float("nan"), int(ok.sum()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the frozen constants")
    args = parser.parse_args()
    medians = median_exposures()
    print("SUASION_2_KAPPA = {")
    for name, (median, count) in medians.items():
        frozen = SUASION_2_KAPPA.get(name)
        note = f"  # median of {count:,} receiver-years" + (f"; frozen {frozen}" if args.check else "")
        print(f'    "{name}": {two_significant(median)!r},{note}')
    print("}")


if __name__ == "__main__":
    main()
