"""US military training of foreign personnel: the Foreign Military Training Report (FMTR).

Source: Security Force Monitor's extraction of the joint State/Defense reports, aggregated to
report x country x programme (``training_us_fmtr/DERIVED_fmtr_country_program_report.csv``).

* Year = the fiscal year of the training, parsed from the programme label ("IMET, FY 00",
  "IMET-1 - Fiscal Year 2019 Department of State Training"); a label without one takes the first
  year of its report. The first two reports list two fiscal years each (the year just ended and
  the plan for the current one); where two reports list the same fiscal year, the later report
  is used (the training carried out, not the plan).
* ``us_training`` = sum of ``trainees`` (training slots), ``us_training_cost`` = sum of
  ``total_cost_usd`` / 10^6, source USA.
* Coverage: a recipient is covered from the first to the last fiscal year in which a report lists
  it; an unlisted fiscal year inside that span with a report is an observed 0. Outside the span,
  and for states never listed, the channel is missing: the reports leave out NATO allies, some
  major partners and FMS-purchased training, so absence there is not zero training.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from suasion.panel.sources.base import DyadicSource, dropped_summary, read_table

FMTR_FILE = Path("training_us_fmtr") / "DERIVED_fmtr_country_program_report.csv"
#: Recipient names the file leaves without ISO3; None = not a panel state.
NAME_TO_ISO3: dict[str, str | None] = {
    "Kosovo": "XKX", "Micronesia": "FSM", "Sudan, Republic of South": "SSD",
    "Sudan, Government of Southern": "SSD", "Sudan, Republic of Southern": "SSD",
    "Serbia and Montenegro": "SRB", "Yugoslavia": "SRB", "Netherlands Antilles": None,
    "Netherlands Antilles (NE)": None,
}
_FY = re.compile(r"(?:Fiscal Year|FY)\s*(\d{4}|\d{2})\b")


def fiscal_year(label: str, report: str) -> int:
    """The fiscal year named in a programme label, else the first year of the report label."""
    m = _FY.search(label)
    if m:
        y = int(m.group(1))
        return y if y > 1900 else (2000 + y if y < 50 else 1900 + y)
    return int(report[:4])


def read_training(raw: Path, first_year: int) -> tuple[DyadicSource, DyadicSource]:
    t = read_table(raw / FMTR_FILE, ["report_fy_label", "country", "iso3c", "program", "trainees",
                                     "trainees_unparsed_items", "total_cost_usd", "cost_unparsed_items"],
                   keep_default_na=False, na_values=[""])
    t = t.assign(fy=[fiscal_year(str(p), str(r)) for p, r in zip(t["program"], t["report_fy_label"])],
                 report_start=t["report_fy_label"].str[:4].astype(int))
    iso = t["iso3c"].where(t["iso3c"].notna(), t["country"].map(NAME_TO_ISO3))
    lost = iso.isna()
    dropped = dropped_summary(t["country"], lost)
    t = t.assign(iso3=iso)[~lost]
    latest = t.groupby("fy")["report_start"].transform("max")
    superseded = t["report_start"] < latest
    used = t[~superseded]
    per = (used.groupby(["iso3", "fy"], as_index=False)
           .agg(trainees=("trainees", "sum"), cost=("total_cost_usd", "sum")))
    per["cost"] = per["cost"] / 1e6
    report_years = sorted(used["fy"].unique())
    span = per.groupby("iso3")["fy"].agg(["min", "max"])
    grid = [(iso3, fy) for iso3, (lo, hi) in span.iterrows() for fy in report_years if lo <= fy <= hi]
    full = pd.DataFrame(grid, columns=["iso3", "fy"]).merge(per, on=["iso3", "fy"], how="left").fillna(0.0)
    full = full[full["fy"] >= first_year]
    report = {
        "fiscal_years": [int(report_years[0]), int(report_years[-1])],
        "fiscal_years_without_report": [int(y) for y in range(report_years[0], report_years[-1] + 1)
                                        if y not in report_years],
        "rows_superseded_by_later_report": int(superseded.sum()),
        "dropped_names": dropped,
        "recipients": int(span.shape[0]),
        "trainee_items_not_parsed": int(t["trainees_unparsed_items"].sum()),
        "cost_items_not_parsed": int(t["cost_unparsed_items"].sum()),
    }
    out = []
    for channel, column in (("us_training", "trainees"), ("us_training_cost", "cost")):
        frame = pd.DataFrame({"source": "USA", "target": full["iso3"], "year": full["fy"].astype(np.int64),
                              "value": full[column].astype(np.float64)})
        out.append(DyadicSource(channel, frame, report=report if channel == "us_training" else {}))
    return out[0], out[1]
