"""Capabilities for DEU actors: EU Council voting weights by treaty regime.

DEU records positions and saliences but no capability. Following the protocol of the reference notes
(bargaining-models.md §8.1), the weight of a member state is its Council vote under the regime in
force when the proposal was introduced (year from the proposal number):

* ``pre_nice`` (year ≤ 2001): weighted votes of the Treaty of Amsterdam / EC Treaty art. 205(2):
  DE, FR, IT, UK 10; ES 8; BE, EL, NL, PT 5; AT, SE 4; DK, IE, FI 3; LU 2 (total 87).
* ``nice`` (2002–2011): Treaty of Nice weighted votes (Protocol on enlargement and Acts of Accession
  2003, 2005, 2011): DE, FR, IT, UK 29; ES, PL 27; RO 14; NL 13; BE, CZ, EL, HU, PT 12; AT, BU, SE 10;
  DK, IE, LT, SK, FI, CR 7; EE, LV, SI, CY, LU 4; MT 3.
* ``lisbon`` (2012 on): the double-majority rule weighs population; weight = population in millions
  (World Bank WDI SP.POP.TOTL, 2020, CC BY 4.0).

The Commission and the European Parliament get the weight of the largest member state of the regime
(reference notes §8.1). Only ratios matter to every model. The table ships as package data
(``data/eu_council_weights.csv``); provenance in ``src/suasion/data/NOTICE``.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from suasion.bargaining.scenario import ScenarioError

EU_INSTITUTIONS = ("com", "ep")


@functools.lru_cache(maxsize=1)
def council_weight_table() -> dict[str, dict[str, float]]:
    """regime → {DEU actor code → weight}, Commission and EP included."""
    text = resources.files("suasion.bargaining").joinpath("data/eu_council_weights.csv").read_text("utf-8")
    table: dict[str, dict[str, float]] = {}
    for rec in csv.DictReader(text.splitlines()):
        table.setdefault(rec["regime"], {})[rec["actor"]] = float(rec["weight"])
    for weights in table.values():
        top = max(weights.values())
        for inst in EU_INSTITUTIONS:
            weights[inst] = top
    return table


def regime_for_year(year: int) -> str:
    """Treaty regime of a proposal introduced in ``year`` (reference notes §8.1)."""
    if year <= 2001:
        return "pre_nice"
    if year <= 2011:
        return "nice"
    return "lisbon"


def council_weights_for_year(year: int) -> dict[str, float]:
    return council_weight_table()[regime_for_year(year)]


def load_capability_table(source: str | Path | Mapping[str, float]) -> dict[str, float]:
    """A user capability table: a mapping, or a CSV with columns ``actor,capability``."""
    if isinstance(source, Mapping):
        return {str(k): float(v) for k, v in source.items()}
    path = Path(source)
    if not path.is_file():
        raise ScenarioError(str(path), "no such capability table")
    out: dict[str, float] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        reader.fieldnames = fields
        if "actor" not in fields or "capability" not in fields:
            raise ScenarioError(str(path), "a capability table needs columns actor,capability", 1)
        for rec in reader:
            try:
                value = float(rec["capability"])
            except (TypeError, ValueError):
                raise ScenarioError(str(path), f"capability {rec['capability']!r} is not a number",
                                    reader.line_num, "capability") from None
            if value < 0:
                raise ScenarioError(str(path), f"negative capability {value:g}", reader.line_num, "capability")
            out[rec["actor"].strip()] = value
    return out


def deu_gdp_table(path: str | Path) -> dict[str, float]:
    """The GDP per actor that the public DEU copy carries on its second line (``p<actor>`` columns;
    the copier's capability proxy, not part of DEU III; Commission and EP get the largest value)."""
    import csv as _csv

    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = _csv.reader(fh, delimiter="\t")
        header = [h.strip() for h in next(reader)]
        second = next(reader)
    out: dict[str, float] = {}
    for name, raw in zip(header, second):
        raw = raw.strip().strip('"')
        if name.startswith("p") and raw:
            try:
                out[name[1:]] = float(raw)
            except ValueError:
                raise ScenarioError(str(path), f"GDP {raw!r} is not a number", 2, name) from None
    if not out:
        raise ScenarioError(str(path), "no GDP values on line 2", 2)
    return out
