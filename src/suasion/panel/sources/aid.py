"""Development finance: OECD DAC2a bilateral ODA and Chinese finance from AidData GCDF 3.0.

* ``oda`` from OECD donors: DAC2a measure ``Memo: ODA Total, Gross disbursements``, constant
  2022 USD m, 2009-2022. A donor reports in a year when it has any gross-disbursement row that
  year; a recipient absent for a reporting donor is an observed 0. Donors that do not report are
  missing. Recipients that are regions or territories without a panel state are dropped.
* ``oda`` from China: AidData ODA-like commitments (``oda_amt``, constant 2021 USD, divided by
  10^6), 2000-2021; a recipient-year without projects is an observed 0. The price bases
  (2022 vs 2021 USD, disbursements vs commitments) differ; the panel does not re-base them.
* ``oof`` (China only): AidData OOF-like commitments (``oof_amt`` / 10^6), 2000-2021, absent = 0.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from suasion.panel.sources.base import DyadicSource, dropped_summary
from suasion.panel.sources.codes import cow_to_iso3_frame, names_to_iso3

ODA_MEASURE = "Memo: ODA Total, Gross disbursements"


def read_oecd_oda(raw: Path) -> DyadicSource:
    t = pd.read_csv(raw / "aid_oecd" / "oecd_dac2a_2009_2022.csv.gz", keep_default_na=False, na_values=[""])
    t = t[t["Aid type"] == ODA_MEASURE]
    mapping = names_to_iso3(raw, pd.concat([t["Donor"], t["Recipient"]]).unique())
    d = t["Donor"].map(mapping)
    r = t["Recipient"].map(mapping)
    frame = pd.DataFrame({"source": d, "target": r, "year": t["Year"], "value": t["Value"]})
    lost = frame["source"].isna() | frame["target"].isna()
    frame = frame[~lost].dropna(subset=["value"])
    zero: dict[int, frozenset[str] | None] = {}
    for year, donors in frame.groupby("year")["source"]:
        zero[int(year)] = frozenset(donors.unique())
    report = {"measure": ODA_MEASURE, "dropped": dropped_summary(t["Recipient"] + " <- " + t["Donor"], lost),
              "donors": sorted(frame["source"].unique())}
    return DyadicSource("oda", frame, zero_years=zero, report=report)


def read_china_finance(raw: Path) -> tuple[DyadicSource, DyadicSource]:
    t = pd.read_csv(raw / "aid_china" / "china_devfinance_cow_recipient_year_2000_2021.csv")
    r = cow_to_iso3_frame(raw, t["ccode"], t["year"])
    lost = r.isna()
    years = range(int(t["year"].min()), int(t["year"].max()) + 1)
    zero = {y: frozenset({"CHN"}) for y in years}
    out = []
    for channel, column in (("oda", "oda_amt"), ("oof", "oof_amt")):
        frame = pd.DataFrame({"source": "CHN", "target": r, "year": t["year"], "value": t[column] / 1e6})
        frame = frame[~lost].dropna(subset=["value"])
        out.append(DyadicSource(channel, frame, zero_years=dict(zero),
                                report={"unmapped_rows": dropped_summary(t["ccode"].astype(str), lost)}))
    return out[0], out[1]
