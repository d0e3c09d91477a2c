"""Independent plain-Python readings of raw event files, to check the DuckDB/Ibis pipeline against."""

from __future__ import annotations

import gzip
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "events"

# 0-based GDELT positions shared by 1.0 and 2.0 (reference §1-2)
SQLDATE, A1CC, A2CC, EVENTCODE, ROOT, QUAD, GOLDSTEIN, MENTIONS = 1, 7, 17, 26, 28, 29, 30, 31


def raw_rows(path: Path) -> list[list[str]]:
    """Split a raw tab-separated file into fields (no header handling)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        data = fh.read().decode("utf-8", errors="replace")
    return [line.split("\t") for line in data.split("\n") if line.strip()]


def dyad_stats(
    rows: list[list[str]],
    a: str,
    b: str,
    month: str | None = None,
    directed: bool = False,
    weight_index: int | None = None,
) -> dict[str, float]:
    """Counts and Goldstein sums of the GDELT rows between CAMEO country codes a and b."""
    out = {
        "events": 0,
        "q1": 0,
        "q2": 0,
        "q3": 0,
        "q4": 0,
        "gsum": 0.0,
        "wsum": 0.0,
        "coop": 0.0,
        "conf": 0.0,
    }
    for r in rows:
        pair = (r[A1CC], r[A2CC])
        if pair != (a, b) and (directed or pair != (b, a)):
            continue
        if month is not None and r[SQLDATE][:6] != month:
            continue
        g = float(r[GOLDSTEIN])
        w = float(r[weight_index]) if weight_index is not None else 1.0
        out["events"] += 1
        out[f"q{r[QUAD]}"] += 1
        out["gsum"] += w * g
        out["wsum"] += w
        out["coop"] += w * g if g > 0 else 0.0
        out["conf"] += -w * g if g < 0 else 0.0
    return out
