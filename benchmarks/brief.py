"""Minister's brief: HTML and PDF time, warm, per part, against the bare API calls it makes.

    .venv/bin/python benchmarks/brief.py [--principal EU] [--target PAK] [--repeat 5] [--scenario FILE]

Targets (issue 13): HTML <= 1 s and PDF <= 3 s warm for the minister brief. "Warm" = the panel is
loaded and the process has written this brief once already (imports done, templates compiled,
the engine's caches as a long-running process would hold them); every repeat then builds the brief
again through every API call. The other four pairs of the issue are then timed once each in the
same process: the cost of a pair not asked before. Prints the median and range
of each part over the repeats, and the baseline: the same public API calls made directly in the same
process (leverage_over, leverage_sensitivity, leverage_of, dyad_history, brokers, incentives, the
options' whatif runs), without assembling or rendering anything; the ratio says what the brief adds.
"""

from __future__ import annotations

import argparse
import statistics
import time


PAIRS = [("EU", "PAK"), ("GBR", "PAK"), ("USA", "PRK"), ("EU", "IRN"), ("IND", "NPL")]


def _median_range(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s (range {min(values):.3f}–{max(values):.3f})"


def bare_api_calls(b) -> None:
    """The API calls behind brief ``b``, made directly (the baseline)."""
    import suasion
    from suasion.brief.gather import SENSITIVITY_DRAWS, TOP_BROKERS, TREND_YEARS

    p, t, y = b.data.principal, b.data.target, b.data.year
    suasion.leverage_over(t, y)
    suasion.leverage_sensitivity(t, y, draws=SENSITIVITY_DRAWS)
    suasion.leverage_of(p, y)
    suasion.dyad_history(p, t, years=(y - TREND_YEARS, y))
    brokers = suasion.brokers(p, t, y)
    for broker in brokers["broker"].head(TOP_BROKERS):
        suasion.incentives(p, broker, y)
    suasion.incentives(p, t, y)
    for option in b.data.options:
        suasion.whatif(p, t, option.changes, y, blocs=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--principal", default="EU")
    parser.add_argument("--target", default="PAK")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scenario", default=None)
    args = parser.parse_args()

    import suasion

    t0 = time.perf_counter()
    suasion.load_panel()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    first = suasion.brief(args.principal, args.target, scenario=args.scenario, date="2026-01-15")
    _ = first.html
    first_html_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    first.pdf()
    first_pdf_s = time.perf_counter() - t0
    print(f"cold: panel load {load_s:.2f} s; first brief HTML {first_html_s:.2f} s (imports, model tensors, "
          f"templates); first PDF {first_pdf_s:.2f} s (WeasyPrint import and fonts)")

    html_s, pdf_s, base_s = [], [], []
    parts: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        b = suasion.brief(args.principal, args.target, scenario=args.scenario, date="2026-01-15")
        _ = b.html
        html_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        b.pdf()
        pdf_s.append(time.perf_counter() - t0)
        for part, seconds in b.timings.items():
            if part != "render pdf":
                parts.setdefault(part, []).append(seconds)
        t0 = time.perf_counter()
        bare_api_calls(b)
        base_s.append(time.perf_counter() - t0)

    print(f"\nminister brief {args.principal} -> {args.target}, warm, {args.repeat} repeats "
          f"({len(b.data.options)} options, {'with' if args.scenario else 'no'} scenario)")
    for part, values in parts.items():
        print(f"  {part:28s} {_median_range(values)}")
    html, pdf, base = statistics.median(html_s), statistics.median(pdf_s), statistics.median(base_s)
    print(f"  {'HTML total':28s} {_median_range(html_s)}   target <= 1 s: {'met' if html <= 1 else 'NOT met'}")
    print(f"  {'PDF (WeasyPrint)':28s} {_median_range(pdf_s)}   target <= 3 s: {'met' if pdf <= 3 else 'NOT met'}")
    print(f"baseline, the same API calls made directly: {_median_range(base_s)}; "
          f"brief HTML / baseline = {html / base:.2f}x")

    print("\nwarm process, a pair not asked before (nothing of it cached), HTML then PDF:")
    for p, t in PAIRS:
        if (p, t) == (args.principal, args.target):
            continue
        t0 = time.perf_counter()
        other = suasion.brief(p, t, date="2026-01-15")
        _ = other.html
        mid = time.perf_counter()
        other.pdf()
        print(f"  {p:>4} -> {t:4} HTML {mid - t0:.3f} s, PDF {time.perf_counter() - mid:.3f} s")


if __name__ == "__main__":
    main()
