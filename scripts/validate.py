"""The validation of docs/validation.md: seed case, face validity, published FBIC, UNGA alignment.

Prints each section's tables as Markdown. Reads the bundled panel; the published-FBIC check also
reads ``../shared/data/fbic`` and is skipped when it is absent.

    .venv/bin/python scripts/validate.py [--section seed|face|fbic|unga] [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

import suasion
from suasion.leverage.api import default_year, leverage_matrix, leverage_over
from suasion.leverage.engine import leverage_tensor
from suasion.panel import load_panel
from suasion.panel.schema import CHANNEL_NAMES

MODELS = ("suasion-1", "suasion-2", "fbic")

FACE_VALIDITY: list[tuple[str, str]] = [
    ("CAN", "USA"), ("MEX", "USA"), ("DOM", "USA"), ("HTI", "USA"), ("HND", "USA"), ("GTM", "USA"),
    ("SLV", "USA"), ("PAN", "USA"), ("COL", "USA"), ("JPN", "USA"), ("KOR", "USA"), ("PHL", "USA"),
    ("ISR", "USA"), ("JOR", "USA"), ("KWT", "USA"), ("MHL", "USA"), ("FSM", "USA"), ("PLW", "USA"),
    ("BLR", "RUS"), ("ARM", "RUS"), ("KGZ", "RUS"), ("TJK", "RUS"), ("KAZ", "RUS"),
    ("PRK", "CHN"), ("MNG", "CHN"), ("LAO", "CHN"), ("KHM", "CHN"), ("MMR", "CHN"),
    ("BTN", "IND"), ("NPL", "IND"),
    ("LSO", "ZAF"), ("SWZ", "ZAF"), ("NAM", "ZAF"), ("BWA", "ZAF"), ("MOZ", "ZAF"), ("ZWE", "ZAF"),
    ("NZL", "AUS"), ("PNG", "AUS"), ("FJI", "AUS"),
    ("BHR", "SAU"), ("GAB", "FRA"), ("SEN", "FRA"), ("LIE", "CHE"),
]


def markdown(frame: pd.DataFrame) -> str:
    cols = list(frame.columns)
    lines = ["| " + " | ".join(map(str, cols)) + " |", "| " + " | ".join("---" for _ in cols) + " |"]
    for row in frame.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, float):
                cells.append("" if np.isnan(v) else f"{v:.3g}")
            else:
                cells.append(str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# 1. seed case


def seed_case() -> None:
    panel = load_panel()
    rows, words = [], []
    for year in range(2005, 2024):
        f = leverage_over("PAK", year, panel=panel)
        states = f[f["actor_type"] == "state"].reset_index(drop=True)
        states["state_rank"] = np.arange(1, len(states) + 1)
        row: dict[str, object] = {"year": year,
                                  "1st": f"{states.source[0]} {states.score[0]:.3g}",
                                  "2nd": f"{states.source[1]} {states.score[1]:.3g}"}
        for code in ("SAU", "TUR", "GBR"):
            hit = states[states["source"] == code]
            row[code] = (f"{int(hit.state_rank.iloc[0])} ({hit.score.iloc[0]:.3g}, "
                         f"{100 * hit.share.iloc[0]:.2g}%)") if len(hit) else "-"
        eu = f[f["source"] == "EU"]
        if len(eu):
            above = int((states["score"] > eu["score"].iloc[0]).sum())
            row["EU (bloc)"] = f"after {above} states ({eu.score.iloc[0]:.3g}, {100 * eu.share.iloc[0]:.2g}%)"
        rows.append(row)
        if year in (2005, 2010, 2015, 2020, 2023):
            for code in ("USA", "CHN", "SAU", "TUR", "GBR", "EU"):
                hit = f[f["source"] == code]
                if len(hit):
                    words.append({"year": year, "source": code, "score": float(hit.score.iloc[0]),
                                  "why": hit.explanation.iloc[0],
                                  "oldest input": hit.oldest_input_year.iloc[0]})
    print("### Ranks over Pakistan (state rank, score, share of outside leverage)\n")
    print(markdown(pd.DataFrame(rows)))
    print("\n### Why (the explanation column)\n")
    print(markdown(pd.DataFrame(words)))


# --------------------------------------------------------------------------------------------
# 2. face validity


def face_validity() -> None:
    panel = load_panel()
    latest = default_year(panel, "suasion")
    table, misses = [], []
    found = {(m, y): 0 for m in MODELS for y in (2010, latest)}
    for target, partner in FACE_VALIDITY:
        row: dict[str, object] = {"target": target, "partner": partner}
        for year in (2010, latest):
            for model in MODELS:
                f = leverage_over(target, year, model=model, panel=panel, blocs=False)
                hit = f[f["source"] == partner]
                rank = int(hit["rank"].iloc[0]) if len(hit) else None
                row[f"{model} {year}"] = rank if rank is not None else "-"
                if rank == 1:
                    found[(model, year)] += 1
                else:
                    misses.append({"target": target, "partner": partner, "year": year, "model": model,
                                   "rank": rank if rank is not None else "-",
                                   "model's first": f"{f.source.iloc[0]} ({f.explanation.iloc[0]})"
                                   if len(f) else "-"})
        table.append(row)
    print(f"### Rank of the dominant partner (2010 and {latest}; 1 = found)\n")
    print(markdown(pd.DataFrame(table)))
    print("\n### Found (partner ranked first), out of", len(FACE_VALIDITY), "\n")
    print(markdown(pd.DataFrame([{"model": m, "year": y, "found": n} for (m, y), n in found.items()])))
    print("\n### Misses under suasion-2\n")
    print(markdown(pd.DataFrame([m for m in misses if m["model"] == "suasion-2"])))
    print("\n### Diagnostic (not a model): suasion-2 without its two single-source channels\n")
    print(markdown(pd.DataFrame(single_source_diagnostic(panel, (2010, latest)))))


def single_source_diagnostic(panel, years) -> list[dict[str, object]]:
    """Face-validity count of suasion-2 with and without ``training`` and ``troops``, the two
    channels whose only source in the data is the USA (the rest re-weighted equally, 1/12)."""
    import dataclasses

    from suasion.leverage.engine import suasion_tensor
    from suasion.leverage.inputs import suasion_inputs
    from suasion.leverage.model import SUASION_2

    inputs = suasion_inputs(panel, SUASION_2)
    variant = dataclasses.replace(SUASION_2, version="suasion-2 without training, troops", channels=tuple(
        c for c in SUASION_2.channels if c.name not in ("training", "troops")))
    rows = []
    for model in (SUASION_2, variant):
        tensor = suasion_tensor(inputs, model)
        index = {a: i for i, a in enumerate(tensor.actors)}
        for year in years:
            t = int(np.flatnonzero(tensor.years == year)[0])
            found = sum(int(np.argmax(np.nan_to_num(tensor.score[t, :, index[target]], nan=-1.0))
                            == index[partner]) for target, partner in FACE_VALIDITY)
            rows.append({"model": model.version, "year": year, "found": found})
    return rows


# --------------------------------------------------------------------------------------------
# 3. published FBIC


def published_fbic(shared: Path) -> None:
    path = shared / "fbic" / "FBIC_cleaned_18countries_1999_2023.csv"
    if not path.is_file():
        print(f"(skipped: {path} not found)")
        return
    published = pd.read_csv(path, usecols=["iso3a", "iso3b", "year", "fbic"], keep_default_na=False,
                            na_values=[""])
    full = load_panel(user_channels=False)
    without = load_panel(user_channels=False, channels=tuple(
        c for c in CHANNEL_NAMES if c not in ("diplomatic_rep", "pta_fbic_index")))
    out = []
    for label, panel in (("without diplomacy and trade agreements", without),
                         ("with diplomacy and trade agreements", full)):
        tensor = leverage_tensor(panel, "fbic")
        pos = {a: i for i, a in enumerate(tensor.actors)}
        first = int(tensor.years[0])
        sub = published[published["iso3a"].isin(pos) & published["iso3b"].isin(pos)
                        & (published["year"] >= first) & (published["year"] <= int(tensor.years[-1]))]
        ours = tensor.score[sub["year"].to_numpy() - first, sub["iso3a"].map(pos).to_numpy(),
                            sub["iso3b"].map(pos).to_numpy()]
        sub = sub.assign(ours=ours)
        for year, grp in sub.groupby("year"):
            ok = grp[["fbic", "ours"]].dropna()
            rho = spearmanr(ok["fbic"], ok["ours"]).statistic if len(ok) > 2 else np.nan
            out.append({"inputs": label, "year": int(year), "dyads": len(ok), "spearman": rho,
                        "mean abs diff": float((ok["fbic"] - ok["ours"]).abs().mean())})
    frame = pd.DataFrame(out)
    wide = frame.pivot(index="year", columns="inputs", values="spearman").reset_index()
    print("### Spearman rank correlation with the published FBIC, per year (306 dyads among 18 states)\n")
    print(markdown(wide))
    print("\n### Summary\n")
    print(markdown(frame.groupby("inputs")[["spearman", "mean abs diff"]].median().reset_index()))


# --------------------------------------------------------------------------------------------
# 4. UNGA alignment


def unga(years: tuple[int, ...] = (2005, 2010, 2015, 2020)) -> None:
    panel = load_panel()
    pos = panel._actor_pos
    gdp = panel.monadic["gdp"]
    dist, dist_year = panel.values["unga_distance"], panel.observed_year["unga_distance"]

    def distance(year: int) -> np.ndarray:
        t = panel.year_index(year)
        return np.where(dist_year[t] == year, dist[t], np.nan)

    level, within, change = [], [], []
    matrices: dict[tuple[str, int], pd.DataFrame] = {}
    for model in MODELS:
        for year in sorted(set(years) | {y + 5 for y in years if y + 5 <= 2023}):
            matrices[(model, year)] = leverage_matrix(year, model=model, panel=panel)
    for year in years:
        t = panel.year_index(year)
        alive = [a for a in panel.actors if panel.exists[t, pos[a]]]
        ranked = sorted((a for a in alive if np.isfinite(gdp[t, pos[a]])), key=lambda a: -gdp[t, pos[a]])
        sources = ranked[:20]
        d1 = distance(year + 1)
        for model in MODELS:
            m = matrices[(model, year)]
            ls, ds = [], []
            hits = total = 0
            for b in alive:
                if b in sources or b not in m.columns:
                    continue
                scores = np.array([m.loc[a, b] if a in m.index else np.nan for a in sources])
                dists = np.array([d1[pos[a], pos[b]] for a in sources])
                ok = np.isfinite(scores) & np.isfinite(dists)
                for s, d in zip(scores[ok], dists[ok]):
                    if s > 0:
                        ls.append(s)
                        ds.append(-d)
                if ok.sum() >= 3 and np.nanmax(scores[ok]) > 0:
                    top = int(np.argmax(np.where(ok, scores, -1)))
                    others = np.delete(dists[ok], np.nonzero(np.flatnonzero(ok) == top)[0])
                    total += 1
                    hits += int(dists[top] < np.median(others))
            level.append({"year": year, "model": model, "dyads": len(ls),
                          "spearman L vs -distance(t+1)": spearmanr(ls, ds).statistic})
            within.append({"year": year, "model": model, "targets": total,
                           "share top source closer than median": hits / total if total else np.nan})
            if year + 5 <= 2023 and year + 6 <= 2024:
                m2 = matrices[(model, year + 5)]
                d6 = distance(year + 6)
                dl, dd = [], []
                for b in alive:
                    if b in sources or b not in m.columns or b not in m2.columns:
                        continue
                    for a in sources:
                        if a in m.index and a in m2.index:
                            l0, l5 = m.loc[a, b], m2.loc[a, b]
                            x0, x5 = d1[pos[a], pos[b]], d6[pos[a], pos[b]]
                            if np.isfinite([l0, l5, x0, x5]).all() and (l0 > 0 or l5 > 0):
                                dl.append(l5 - l0)
                                dd.append(x0 - x5)
                change.append({"years": f"{year}->{year + 5}", "model": model, "dyads": len(dl),
                               "spearman dL vs -d(distance)": spearmanr(dl, dd).statistic})
    print("### Level: leverage in t against closeness in the UNGA in t + 1\n")
    print(markdown(pd.DataFrame(level)))
    print("\n### Within target: is the top source closer than the median source?\n")
    print(markdown(pd.DataFrame(within)))
    print("\n### Change: more leverage over five years against moving closer over the next five\n")
    print(markdown(pd.DataFrame(change)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--section", choices=("seed", "face", "fbic", "unga"), action="append")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    sections = args.section or ["seed", "face", "fbic", "unga"]
    print(f"suasion {suasion.__version__}\n")
    if "seed" in sections:
        print("## 1. Seed case\n")
        seed_case()
    if "face" in sections:
        print("\n## 2. Face validity\n")
        face_validity()
    if "fbic" in sections:
        print("\n## 3. Published FBIC\n")
        published_fbic(args.shared)
    if "unga" in sections:
        print("\n## 4. UNGA alignment\n")
        unga()


if __name__ == "__main__":
    main()
