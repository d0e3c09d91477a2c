"""to_iso3 speed: warm lookups against country_converter (the baseline), in the same process.

    .venv/bin/python benchmarks/actors.py

Prints the time per call of ``to_iso3`` (ISO3, ISO2, COW code, name; warm cache), the time of the
first call (tables built from package data), the import time of ``suasion.actors``, and the ratio
against ``country_converter.convert`` on the same names.
"""

from __future__ import annotations

import time
import timeit


def main() -> None:
    t0 = time.perf_counter()
    from suasion import actors
    import_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    actors.to_iso3("PAK")
    first_s = time.perf_counter() - t0

    values = ["PAK", "NA", 770, "Pakistan", "Côte d'Ivoire", "gw:260", "United Kingdom", "Türkiye"]
    actors.to_iso3_many(values)
    n = 20000
    ours = min(timeit.repeat(lambda: [actors.to_iso3(v) for v in values], number=n, repeat=3)) / (n * len(values))
    many = 2000
    series = ["Pakistan", "India", "China", "United States", "Germany"] * 2000
    ours_many = min(timeit.repeat(lambda: actors.to_iso3_many(series), number=3, repeat=3)) / 3

    from suasion.actors.codes import _country_converter

    converter = _country_converter()
    names = ["Pakistan", "Côte d'Ivoire", "United Kingdom", "Türkiye"]
    m = 50
    theirs = min(timeit.repeat(lambda: [converter.convert(x, to="ISO3") for x in names], number=m,
                               repeat=3)) / (m * len(names))
    theirs_many = min(timeit.repeat(lambda: converter.convert(series[:many], to="ISO3"), number=1, repeat=3))
    theirs_many *= len(series) / many

    print(f"import suasion.actors: {import_s * 1e3:.1f} ms; first to_iso3 call (tables built): "
          f"{first_s * 1e3:.1f} ms")
    print(f"to_iso3, warm, mixed codes and names: {ours * 1e6:.2f} us/call; "
          f"country_converter.convert: {theirs * 1e6:.0f} us/call; ratio {theirs / ours:.0f}x")
    print(f"to_iso3_many over {len(series)} names: {ours_many * 1e3:.2f} ms; country_converter on a list: "
          f"{theirs_many * 1e3:.0f} ms (extrapolated from {many}); ratio {theirs_many / ours_many:.0f}x")


if __name__ == "__main__":
    main()
