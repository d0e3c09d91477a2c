#!/usr/bin/env python
"""Build the bundled reference panel from the raw public files.

Usage:
    python scripts/build_panel.py [--raw ../shared/data] [--out src/suasion/data/panel]
        [--carry-horizon YEARS] [--float32]
        [--arms-source official+derived|derived] [--channel-horizon NAME=YEARS ...]

Same as ``suasion data build --raw DIR``. Reads the raw files only here, at build time; the
package reads only the Parquet files it writes. Rules per source: see suasion.panel.schema and
the README section "The data".
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from suasion.panel.build import build_panel, parse_horizons


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "suasion" / "data" / "panel")
    parser.add_argument("--carry-horizon", type=int, default=None,
                        help="carry values forward at most this many years (default: no limit)")
    parser.add_argument("--float32", action="store_true",
                        help="store channel values as float32 (smaller, ~7 significant digits)")
    parser.add_argument("--arms-source", default="official+derived", choices=["official+derived", "derived"],
                        help="SIPRI official TIV tables to 2021 then register-derived (default), or "
                             "register-derived for every year")
    parser.add_argument("--channel-horizon", action="append", default=[], metavar="NAME=YEARS",
                        help="carry horizon for one channel or monadic variable (repeatable)")
    args = parser.parse_args()
    start = time.perf_counter()

    def say(step: str) -> None:
        print(f"[{time.perf_counter() - start:6.1f}s] {step}", flush=True)

    result = build_panel(args.raw, args.out, carry_horizon=args.carry_horizon,
                         channel_horizons=parse_horizons(args.channel_horizon),
                         float_dtype="float32" if args.float32 else "float64",
                         arms_source=args.arms_source, progress=say)
    for name, size in result.sizes.items():
        print(f"{name}: {size / 1e6:.2f} MB")
    total = sum(result.sizes.values()) / 1e6
    print(f"total {total:.2f} MB in {time.perf_counter() - start:.1f}s -> {result.out_dir}")


if __name__ == "__main__":
    main()
