"""People and money: bilateral remittances (World Bank / KNOMAD) and migrant stocks (UN DESA, World Bank).

Both are read from the raw matrices, not from the long files, because the long files keep only
positive cells and so cannot tell a zero from a cell the source left out.

* ``remittances``: matrices 2017, 2018, 2021; rows = sending (host) country, columns = receiving
  country, current USD m. A covered pair's empty or 0 cell is an observed 0. A country whose
  whole row (as sender) or column (as receiver) is empty or 0 is not covered that vintage (the
  World Bank has no data for it: e.g. the UAE, Bahrain, Singapore as receivers); cells written
  ``-`` or ``N/A`` and the corridors the 2021 workbook zeroed for political reasons
  (:data:`POLITICALLY_ZEROED_2021`) are missing.
* ``migrants``: persons born in ``target`` living in ``source``. UN DESA 2019 revision (rows =
  destination, columns = origin; ``..`` and ``-`` missing; the five region rows dropped) for
  1990-2019 and the World Bank 2021 matrix (rows = origin, columns = destination; Other North,
  Other South and World dropped) for 2021. Rows and columns with no migrant at all are not
  covered (missing). :func:`migration_crosscheck` compares the World Bank 2017 matrix with UN
  DESA for the build report; it is not used as data.

Names are mapped to ISO3 with the name -> ISO3 pairs of the long files that ship beside each
matrix (``DERIVED_*``), which list every name with at least one positive cell; names absent from
them have no positive cell and are not covered.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from suasion.panel.sources.base import DyadicSource, read_table

REMITTANCE_FILES = {
    2017: "wb_bilateral_remittance_matrix_2017.csv",
    2018: "wb_bilateral_remittance_matrix_2018_edited.csv",
    2021: "wb_knomad_bilateral_remittance_matrix_2021.csv",
}
REMITTANCE_LONG = "DERIVED_remittances_long_2017_2018_2021.csv.gz"
#: "Flows between India and Pakistan, Pakistan and India, Lebanon and Israel and vice versa, and
#: Azerbaijan and Armenia and vice versa are assumed to be zero given the political economy
#: situations in these corridors" (notes of the 2021 workbook).
POLITICALLY_ZEROED_2021 = frozenset({("IND", "PAK"), ("PAK", "IND"), ("LBN", "ISR"), ("ISR", "LBN"),
                                     ("AZE", "ARM"), ("ARM", "AZE")})
UNDESA_FILE = Path("migration_undesa") / "undesa_migrant_stock_origin_destination_2019_clean.csv"
UNDESA_LONG = Path("migration_undesa") / "DERIVED_undesa_migrant_stock_long_1990_2019.csv.gz"
WB_MIGRATION = {2017: "wb_bilateral_migration_matrix_2017.csv", 2021: "wb_bilateral_migration_matrix_2021.csv"}
WB_MIGRATION_LONG = Path("migration_wb") / "DERIVED_migrant_stock_long_2017_2021.csv"
TOTALS = {"WORLD", "World", "Other North", "Other South"}
MISSING_MARKS = {"-", "N/A", ".."}


def _name_map(frame: pd.DataFrame, pairs: list[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name_col, iso_col in pairs:
        sub = frame[[name_col, iso_col]].dropna()
        out.update(zip(sub[name_col].astype(str).str.strip(), sub[iso_col].astype(str)))
    return out


def read_matrix(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A country x country matrix CSV (first column = row names) as numbers and a missing mask.

    Empty cells are 0; ``-``, ``N/A`` and ``..`` are missing (NaN in the numbers, True in the mask).
    Total rows and columns (WORLD, Other North, Other South) are removed.
    """
    t = read_table(path, [], dtype=str, keep_default_na=False)
    if t.shape[1] < 3:
        from suasion.errors import InputFileError

        raise InputFileError(str(path), "expected a country x country matrix (first column = names)")
    t = t.set_index(t.columns[0])
    t.index = t.index.astype(str).str.strip()
    t.columns = t.columns.astype(str).str.strip()
    t = t.loc[~t.index.isin(TOTALS) & (t.index != ""), ~t.columns.isin(TOTALS)]
    cells = t.apply(lambda col: col.str.strip().str.replace(",", "", regex=False))
    marked = cells.isin(MISSING_MARKS)
    numbers = cells.replace("", "0").apply(pd.to_numeric, errors="coerce")
    return numbers.where(~marked), marked | numbers.isna()


def _covered_long(numbers: pd.DataFrame, missing: pd.DataFrame, row_iso: dict[str, str],
                  col_iso: dict[str, str]) -> tuple[pd.DataFrame, dict[str, object]]:
    """Cells of rows and columns that have a positive value and an ISO3, as a long frame
    (``row``, ``col``, ``value``; NaN for missing cells)."""
    positive = numbers.fillna(0) > 0
    rows = [r for r in numbers.index if positive.loc[r].any()]
    cols = [c for c in numbers.columns if positive[c].any()]
    unmapped = sorted({r for r in rows if r not in row_iso} | {c for c in cols if c not in col_iso})
    rows = [r for r in rows if r in row_iso]
    cols = [c for c in cols if c in col_iso]
    sub = numbers.loc[rows, cols].where(~missing.loc[rows, cols])
    long = sub.stack(future_stack=True).rename("value").reset_index()
    long.columns = ["row", "col", "value"]
    long["row"] = long["row"].map(row_iso)
    long["col"] = long["col"].map(col_iso)
    report = {"rows_covered": len(rows), "columns_covered": len(cols),
              "rows_without_any_value": sorted(r for r in numbers.index if not positive.loc[r].any()),
              "columns_without_any_value": sorted(c for c in numbers.columns if not positive[c].any()),
              "unmapped_names_with_values": unmapped,
              "missing_cells": int(missing.loc[rows, cols].sum().sum())}
    return long, report


def read_remittances(raw: Path) -> DyadicSource:
    folder = raw / "remittances_wb"
    names = _name_map(read_table(folder / REMITTANCE_LONG, ["sending_country", "sending_iso3",
                                                            "receiving_country", "receiving_iso3"],
                                 keep_default_na=False, na_values=[""]),
                      [("sending_country", "sending_iso3"), ("receiving_country", "receiving_iso3")])
    parts, report = [], {}
    for year, file in REMITTANCE_FILES.items():
        numbers, missing = read_matrix(folder / file)
        long, rep = _covered_long(numbers, missing, names, names)
        long = long.rename(columns={"row": "source", "col": "target"}).assign(year=year)
        long = long[long["source"] != long["target"]]
        if year == 2021:
            zeroed = [(s, t) in POLITICALLY_ZEROED_2021 for s, t in zip(long["source"], long["target"])]
            long.loc[zeroed, "value"] = np.nan
            rep["politically_zeroed_set_missing"] = int(sum(zeroed))
        rep["observed_cells"] = int(long["value"].notna().sum())
        rep["total_usd_m"] = round(float(long["value"].sum()), 1)
        report[str(year)] = rep
        parts.append(long.dropna(subset=["value"]))
    frame = pd.concat(parts, ignore_index=True)[["source", "target", "year", "value"]]
    return DyadicSource("remittances", frame, report=report)


def _undesa(raw: Path) -> tuple[pd.DataFrame, dict[str, object]]:
    long_file = read_table(raw / UNDESA_LONG, ["origin", "origin_iso3", "destination", "destination_iso3"],
                           keep_default_na=False, na_values=[""])
    dest_iso = _name_map(long_file, [("destination", "destination_iso3")])
    orig_iso = _name_map(long_file, [("origin", "origin_iso3")])
    t = read_table(raw / UNDESA_FILE, ["Year", "Dest"], dtype=str, keep_default_na=False)
    parts, report = [], {}
    for year, block in t.groupby("Year"):
        m = block.drop(columns=["Year"]).rename(columns={"Dest": ""})
        m = m.set_index(m.columns[0])
        m.index = m.index.str.strip()
        cells = m.apply(lambda col: col.str.strip().str.replace(",", "", regex=False))
        marked = cells.isin(MISSING_MARKS)
        numbers = cells.replace("", "0").apply(pd.to_numeric, errors="coerce").where(~marked)
        long, rep = _covered_long(numbers, marked | numbers.isna(), dest_iso, orig_iso)
        parts.append(long.assign(year=int(year)))
        report[str(year)] = {k: rep[k] for k in ("rows_covered", "columns_covered", "missing_cells",
                                                 "unmapped_names_with_values")}
    frame = pd.concat(parts, ignore_index=True).rename(columns={"row": "source", "col": "target"})
    return frame, report


def _wb_migration(raw: Path, year: int) -> tuple[pd.DataFrame, dict[str, object]]:
    long_file = read_table(raw / WB_MIGRATION_LONG, ["origin_country", "origin_iso3", "destination_country",
                                                    "destination_iso3"], keep_default_na=False, na_values=[""])
    names = _name_map(long_file, [("origin_country", "origin_iso3"), ("destination_country", "destination_iso3")])
    numbers, missing = read_matrix(raw / "migration_wb" / WB_MIGRATION[year])
    long, rep = _covered_long(numbers, missing, names, names)
    # rows = origin, columns = destination; the panel's source is the destination
    frame = long.rename(columns={"row": "target", "col": "source"}).assign(year=year)
    return frame, {k: rep[k] for k in ("rows_covered", "columns_covered", "missing_cells",
                                       "unmapped_names_with_values")}


def read_migrants(raw: Path, first_year: int) -> DyadicSource:
    un, un_report = _undesa(raw)
    wb, wb_report = _wb_migration(raw, 2021)
    frame = pd.concat([un[un["year"] >= first_year], wb], ignore_index=True)
    frame = frame[frame["source"] != frame["target"]]
    dup = frame.duplicated(subset=["source", "target", "year"], keep=False)
    if dup.any():
        raise ValueError(f"migrants: two names map to one ISO3 pair: {frame[dup].head().to_dict('records')}")
    report = {"undesa": un_report, "wb_2021": wb_report,
              "wb_2017_vs_undesa": migration_crosscheck(raw, un)}
    return DyadicSource("migrants", frame.dropna(subset=["value"])[["source", "target", "year", "value"]],
                        report=report)


def migration_crosscheck(raw: Path, un: pd.DataFrame) -> dict[str, object]:
    """World Bank 2017 against UN DESA 2015 and 2019 on the directed pairs all three cover."""
    wb17, _ = _wb_migration(raw, 2017)
    keys = ["source", "target"]
    m = (wb17.dropna(subset=["value"])[keys + ["value"]].rename(columns={"value": "wb2017"})
         .merge(un[un["year"] == 2015][keys + ["value"]].rename(columns={"value": "un2015"}), on=keys)
         .merge(un[un["year"] == 2019][keys + ["value"]].rename(columns={"value": "un2019"}), on=keys)
         .dropna())
    m = m[m["source"] != m["target"]]
    m["un2017"] = m["un2015"] + (m["un2019"] - m["un2015"]) * 0.5   # linear between 2015 and 2019
    a, b = m["wb2017"].to_numpy(), m["un2017"].to_numpy()
    pak_sau = m[(m["source"] == "SAU") & (m["target"] == "PAK")]
    return {"pairs": len(m), "pearson_r_levels": round(float(np.corrcoef(a, b)[0, 1]), 4),
            "pearson_r_log1p": round(float(np.corrcoef(np.log1p(a), np.log1p(b))[0, 1]), 4),
            "sum_wb2017": round(float(a.sum())), "sum_undesa_2017_interpolated": round(float(b.sum())),
            "pakistan_born_in_saudi_arabia": {k: float(pak_sau[k].iloc[0]) for k in ("un2015", "wb2017", "un2019")}
            if len(pak_sau) else None}
