"""Readers that turn scenario files into a validated :class:`~suasion.bargaining.scenario.Scenario`.

Formats (``read_scenario(path, format=...)``; ``format=None`` detects it from the content):

* ``csv`` — tidy long CSV ``actor,issue,position,salience[,capability]`` (a table without ``issue`` is
  one issue named after the file, as in the BDM files ``Actor,Capability,Position,Salience``;
  ``Stakeholder``/``Resources``/``Power``/``Influence`` are accepted aliases); capability either as a
  column or in an actors table (``actor,capability``) given with ``actors=`` or found beside the file as
  ``<stem>_actors.csv``; an optional issues table (``issue[,scale_min,scale_max,status_quo,outcome,
  group]``) with ``issues=`` or ``<stem>_issues.csv``.
* ``yaml`` — ``name``, ``actors`` (``[{name, capability}]`` or ``{name: capability}``), ``issues``
  (``[{name, scale: [lo, hi], status_quo, outcome, group, positions: {actor: [position, salience]}}]``).
* ``deu`` — the DEU III wide file (tab-separated, quoted header, line 2 = GDP added by the copier;
  ``p<actor>``/``s<actor>`` columns, ``rp`` reference point, ``out`` outcome). Capability is not in
  DEU: EU Council voting weights by treaty regime (:mod:`suasion.bargaining.capability`), or a
  user table with ``capabilities=``.
* ``ktab`` — KTAB SMP CSV (line 1: name, description, #actors, #dimensions; line 2: header;
  then ``actor, description, influence, pos_1, sal_1, …``) — and ``ktab-xml`` (``smpSchema.xsd``).
* ``decide`` — the Decide exchange-model input (tab-separated, single-quoted strings,
  ``'#A'``/``'#P'``/``'#M'``/``'#D'`` records).

Every malformed value is a :class:`ScenarioError` naming the file, line and column.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from suasion.bargaining.scenario import Row, Scenario, ScenarioError, build_scenario

FORMATS = ("csv", "yaml", "deu", "ktab", "ktab-xml", "decide")
DECIDE_RECORDS = {"#A", "#P", "#M", "#D", "#0", "#O", "#/"}
COLUMN_ALIASES = {"stakeholder": "actor", "resources": "capability", "power": "capability",
                  "influence": "capability", "clout": "capability"}


def read_scenario(path: str | Path, format: str | None = None, *, actors: str | Path | None = None,
                  issues: str | Path | None = None, capabilities: str | Path | Mapping[str, float] | None = None,
                  salience_scale: str = "auto", scenario: str | None = None) -> Scenario:
    """Read a scenario file of any supported format (see the module docstring). ``scenario`` picks
    one scenario from a tidy CSV with a ``scenario`` column holding several."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(str(path), "no such file")
    check_text_file(path)
    fmt = (format or detect_format(path)).lower()
    if fmt == "xml":
        fmt = "ktab-xml"
    if scenario is not None and fmt != "csv":
        raise ScenarioError(str(path), f"scenario {scenario!r} (--scenario) applies only to a tidy CSV with a scenario "
                                       f"column; this file is {fmt}")
    try:
        return _read(path, fmt, format, actors, issues, capabilities, salience_scale, scenario)
    except UnicodeDecodeError as exc:
        raise ScenarioError(str(path), f"not UTF-8 text (byte {exc.start}); is it a scenario file?") from None


def check_text_file(path: Path) -> None:
    """A scenario is text: a NUL byte or invalid UTF-8 in the first 64 kB is an error naming the file."""
    head = path.read_bytes()[:65536]
    if b"\x00" in head:
        raise ScenarioError(str(path), "binary file, not a scenario (csv, yaml, DEU, KTAB, Decide)")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:           # not merely a character cut at the 64 kB boundary
            raise ScenarioError(str(path), f"not UTF-8 text (byte {exc.start}); is it a scenario file?") from None


def _read(path: Path, fmt: str, format: str | None, actors, issues, capabilities, salience_scale: str,
          scenario: str | None) -> Scenario:
    if fmt == "csv":
        return read_long_csv(path, actors=actors, issues=issues, salience_scale=salience_scale,
                             scenario=scenario)
    if fmt in ("yaml", "yml"):
        return read_yaml(path, salience_scale=salience_scale)
    if fmt == "deu":
        from suasion.bargaining.capability import load_capability_table

        table = load_capability_table(capabilities) if capabilities is not None else None
        return read_deu(path, capabilities=table)
    if fmt == "ktab":
        return read_ktab_csv(path)
    if fmt == "ktab-xml":
        return read_ktab_xml(path)
    if fmt == "decide":
        return read_decide(path)
    raise ScenarioError(str(path), f"unknown format {format!r}; use one of {', '.join(FORMATS)}")


def detect_format(path: Path) -> str:
    """Guess the format from the extension and the first lines."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".xml":
        return "ktab-xml"
    head = path.read_text(encoding="utf-8-sig", errors="replace")[:4000]
    lines = [ln for ln in head.splitlines() if ln.strip()]
    first = lines[0] if lines else ""
    if any(ln.split("\t")[0].strip().strip("'") in DECIDE_RECORDS for ln in lines[:20]):
        return "decide"
    if first.lstrip('"').startswith("prnrnmc") or "\"prnr\"" in first:
        return "deu"
    if len(lines) > 1 and lines[1].replace(" ", "").lower().startswith("actor,description"):
        return "ktab"
    if ("actor" in first.lower() or "stakeholder" in first.lower()) and "position" in first.lower():
        return "csv"
    raise ScenarioError(str(path), "cannot tell the format; pass format= (csv, yaml, deu, ktab, "
                                   "ktab-xml, decide)")


# ------------------------------------------------------------------------------------- tidy CSV
def _read_dicts(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    fields = [COLUMN_ALIASES.get(f.strip().lower(), f.strip().lower()) for f in (reader.fieldnames or [])]
    reader.fieldnames = fields
    rows = []
    for rec in reader:
        rows.append((reader.line_num, {k: (v.strip() if isinstance(v, str) else v)
                                       for k, v in rec.items() if k is not None}))
    return fields, rows


def read_long_csv(path: Path, *, actors: str | Path | None = None, issues: str | Path | None = None,
                  salience_scale: str = "auto", scenario: str | None = None) -> Scenario:
    """Tidy long CSV (``actor,issue,position,salience[,capability]``) plus optional side tables. A
    ``scenario`` column may hold several scenarios; pick one with ``scenario=``."""
    fields, recs = _read_dicts(path)
    if scenario is not None and "scenario" not in fields:
        raise ScenarioError(str(path), f"no scenario column, so no scenario {scenario!r} to choose", 1)
    if "scenario" in fields:
        names = list(dict.fromkeys(r.get("scenario") or "" for _, r in recs))
        if scenario is None and len(names) > 1:
            raise ScenarioError(str(path), f"the file holds {len(names)} scenarios ({', '.join(names)}); "
                                           "choose one (--scenario NAME, or scenario=)", None, "scenario")
        chosen = scenario if scenario is not None else names[0]
        if chosen not in names:
            raise ScenarioError(str(path), f"no scenario {chosen!r}; the file holds {', '.join(names)}",
                                None, "scenario")
        recs = [(ln, r) for ln, r in recs if r.get("scenario") == chosen]
    if "issue" not in fields and "actor" in fields and "capability" in fields:
        # one-issue table (actor, capability, position, salience), as in the BDM replication files
        fields = fields + ["issue"]
        for _, r in recs:
            r["issue"] = r.get("scenario") or path.stem
    for need in ("actor", "issue", "position", "salience"):
        if need not in fields:
            raise ScenarioError(str(path), f"missing column {need!r} (have {', '.join(fields)})", 1)
    rows = [Row(actor=r.get("actor") or "", issue=r.get("issue") or "", position=r.get("position"),
                salience=r.get("salience"), line=ln, capability=r.get("capability"))
            for ln, r in recs]
    actors_path = Path(actors) if actors else path.with_name(f"{path.stem}_actors.csv")
    caps: dict[str, Any] | None = None
    actor_lines: dict[str, int] = {}
    if actors is not None or actors_path.is_file():
        a_fields, a_recs = _read_dicts(actors_path)
        if "actor" not in a_fields or "capability" not in a_fields:
            raise ScenarioError(str(actors_path), "the actors table needs columns actor,capability", 1)
        caps = {}
        for ln, r in a_recs:
            if not r.get("actor"):
                raise ScenarioError(str(actors_path), "missing actor name", ln, "actor")
            caps[r["actor"]] = r.get("capability")
            actor_lines[r["actor"]] = ln
    elif "capability" not in fields:
        raise ScenarioError(str(path), "no capability: add a capability column or an actors table "
                                       f"({actors_path.name})", 1)
    scales, sq, out, grp = {}, {}, {}, {}
    issues_path = Path(issues) if issues else path.with_name(f"{path.stem}_issues.csv")
    if issues is not None or issues_path.is_file():
        i_fields, i_recs = _read_dicts(issues_path)
        if "issue" not in i_fields:
            raise ScenarioError(str(issues_path), "the issues table needs an issue column", 1)
        for ln, r in i_recs:
            d = r["issue"]
            if r.get("scale_min") or r.get("scale_max"):
                try:
                    scales[d] = (float(r.get("scale_min") or 0), float(r.get("scale_max") or 100))
                except ValueError:
                    raise ScenarioError(str(issues_path), "scale bound is not a number", ln,
                                        "scale_min") from None
            sq[d], out[d] = r.get("status_quo"), r.get("outcome")
            if r.get("group"):
                grp[d] = r["group"]
    return build_scenario(rows, caps, path=str(path), name=path.stem, issue_scales=scales,
                          status_quo=sq, outcomes=out, groups=grp or None,
                          salience_scale=salience_scale, actor_lines=actor_lines)


# ------------------------------------------------------------------------------------------ YAML
def read_yaml(path: Path, *, salience_scale: str = "auto") -> Scenario:
    import yaml

    from suasion.bargaining.builder import refuse_placeholders

    text = path.read_text(encoding="utf-8")
    refuse_placeholders(text, str(path))
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ScenarioError(str(path), f"invalid YAML: {getattr(exc, 'problem', exc)}",
                            mark.line + 1 if mark else None) from None
    if not isinstance(doc, dict) or "issues" not in doc or "actors" not in doc:
        raise ScenarioError(str(path), "a YAML scenario needs top-level 'actors' and 'issues'")
    where = str(path)
    caps: dict[str, Any] = {}
    raw_actors = doc["actors"]
    if isinstance(raw_actors, dict):
        caps = {str(k): (v.get("capability") if isinstance(v, dict) else v) for k, v in raw_actors.items()}
    elif isinstance(raw_actors, list):
        for k, a in enumerate(raw_actors):
            if not isinstance(a, dict) or "name" not in a:
                raise ScenarioError(where, f"actors[{k}] needs a name and a capability")
            caps[str(a["name"])] = a.get("capability")
    else:
        raise ScenarioError(where, "'actors' must map each actor to its capability (or list {name, capability})")
    default_scale = _yaml_scale(doc.get("scale", (0, 100)), where, "scale")
    if not isinstance(doc["issues"], list):
        raise ScenarioError(where, "'issues' must be a list of issues, each with a name and positions")
    rows, scales, sq, out, grp = [], {}, {}, {}, {}
    for k, iss in enumerate(doc["issues"]):
        if not isinstance(iss, dict) or "name" not in iss:
            raise ScenarioError(where, f"issues[{k}] needs a name")
        d = str(iss["name"])
        if "scale" in iss:
            scales[d] = _yaml_scale(iss["scale"], where, f"scale of issue {d!r}")
        sq[d], out[d] = iss.get("status_quo"), iss.get("outcome")
        if iss.get("group"):
            grp[d] = str(iss["group"])
        positions = iss.get("positions") or {}
        if not isinstance(positions, dict):
            raise ScenarioError(where, f"issue {d!r}: 'positions' must map each actor to [position, salience]")
        for actor, val in positions.items():
            if isinstance(val, dict):
                p, s = val.get("position"), val.get("salience")
            elif isinstance(val, (list, tuple)) and len(val) == 2:
                p, s = val
            else:
                raise ScenarioError(where, f"issue {d!r}, actor {actor!r}: give [position, salience] "
                                           "or {position:, salience:}")
            rows.append(Row(actor=str(actor), issue=d, position=p, salience=s, line=None))
    scen = build_scenario(rows, caps, path=str(path), name=str(doc.get("name", path.stem)),
                          description=str(doc.get("description", "")), issue_scales=scales,
                          status_quo=sq, outcomes=out, groups=grp or None, salience_scale=salience_scale,
                          default_scale=default_scale)  # type: ignore[arg-type]
    return scen


def _yaml_scale(value: Any, where: str, what: str) -> tuple[float, float]:
    """A scale [lower, upper] of two finite numbers."""
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ScenarioError(where, f"{what} must be [lower, upper], not {value!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ScenarioError(where, f"{what} must be finite, not {value!r}")
    return lo, hi


# ------------------------------------------------------------------------------------------- DEU
DEU_ACTORS = ("com", "ep", "at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el", "hu",
              "ie", "it", "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es", "se", "uk")


def deu_year(prnr: str) -> int:
    """Proposal year from the DEU proposal number (characters 2–3: ``d00060`` → 2000, ``n98123`` → 1998).

    The ``intro`` dates of the public copy are partly corrupted (SOURCES.md pitfalls), so the year is
    taken from ``prnr``.
    """
    yy = int(prnr[1:3])
    return 1900 + yy if yy >= 50 else 2000 + yy


def read_deu(path: Path, capabilities: Mapping[str, float] | None = None) -> Scenario:
    """Read the DEU III wide file: one row per issue, ``p<actor>``/``s<actor>`` columns on 0–100.

    An actor takes part in an issue when both its position and salience are given (a salience
    without a position, common in DEU, is ignored). ``rp`` is the status quo, ``out`` the outcome,
    the proposal (``prnr``) the issue group. Capabilities: EU Council voting weights for the
    proposal's treaty regime (see :mod:`suasion.bargaining.capability`) unless ``capabilities``
    (actor → weight, used for every issue) is given.
    """
    from suasion.bargaining.capability import council_weights_for_year

    text = path.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text), delimiter="\t")
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ScenarioError(str(path), "empty file") from None
    col = {h: k for k, h in enumerate(header)}
    for need in ("prnr", "isnr", "rp", "out"):
        if need not in col:
            raise ScenarioError(str(path), f"missing DEU column {need!r}", 1)
    actors = [a for a in DEU_ACTORS if f"p{a}" in col and f"s{a}" in col]
    if not actors:
        raise ScenarioError(str(path), "no p<actor>/s<actor> column pairs found", 1)
    if capabilities is not None:
        unknown = [a for a in actors if a not in capabilities]
        # actors without a capability in a user table cannot be weighted
        cap_user = {a: float(capabilities[a]) for a in actors if a in capabilities}
    else:
        unknown, cap_user = [], {}
    issues, groups, years, sq, out, meta_rows = [], [], [], [], [], []
    P, S = [], []
    for ln, rec in enumerate(reader, start=2):
        if not any(v.strip() for v in rec):
            continue
        if len(rec) < len(header):
            rec = rec + [""] * (len(header) - len(rec))
        if not rec[col["isnr"]].strip():        # line 2: GDP values added by the copier, no ids
            continue
        isnr, prnr = rec[col["isnr"]].strip(), rec[col["prnr"]].strip()
        try:
            year = deu_year(prnr)
        except (ValueError, IndexError):
            raise ScenarioError(str(path), f"proposal number {prnr!r} has no year in characters 2-3",
                                ln, "prnr") from None
        prow, srow = [], []
        for a in actors:
            pv = _deu_value(rec[col[f"p{a}"]], path, ln, f"p{a}", "position")
            sv = _deu_value(rec[col[f"s{a}"]], path, ln, f"s{a}", "salience")
            if math.isnan(pv) or math.isnan(sv):
                pv = sv = math.nan
            prow.append(pv)
            srow.append(sv)
        issues.append(isnr)
        groups.append(prnr)
        years.append(year)
        sq.append(_deu_value(rec[col["rp"]], path, ln, "rp", "reference point"))
        out.append(_deu_value(rec[col["out"]], path, ln, "out", "outcome"))
        P.append(prow)
        S.append(srow)
        meta_rows.append({k: rec[col[k]].strip() for k in ("prname", "proc", "counvte", "council")
                          if k in col})
    if not issues:
        raise ScenarioError(str(path), "no issues found")
    pos = np.array(P, dtype=float).T
    sal = np.array(S, dtype=float).T / 100.0
    cap = np.zeros_like(pos)
    for k, yr in enumerate(years):
        if capabilities is not None:
            w = cap_user
            missing = [a for a in unknown if np.isfinite(pos[actors.index(a), k])]
            if missing:
                raise ScenarioError(str(path), f"actor {missing[0]!r} takes part in issue {issues[k]!r} but "
                                               "has no capability in the table given", None, "capability")
        else:
            w = council_weights_for_year(yr)
        for a_i, a in enumerate(actors):
            if np.isfinite(pos[a_i, k]):
                if a not in w:
                    raise ScenarioError(str(path), f"actor {a!r} takes part in issue {issues[k]!r} "
                                                   f"({yr}) but has no Council weight in that regime")
                cap[a_i, k] = w[a]
    ids = tuple(issues)
    if len(set(ids)) != len(ids):
        dup = next(d for d in ids if ids.count(d) > 1)
        raise ScenarioError(str(path), f"issue id {dup!r} appears twice", None, "isnr")
    return Scenario(actors=tuple(actors), issues=ids, position=pos, salience=sal, capability=cap,
                    scale=np.tile([0.0, 100.0], (len(ids), 1)), status_quo=np.array(sq),
                    outcome=np.array(out), group=tuple(groups), name=path.stem,
                    description="DEU III (Arregui & Perarnaud 2022), CC BY 4.0", source=str(path),
                    meta={"year": np.array(years), "issue_meta": meta_rows,
                          "capability": "user table" if capabilities is not None else "EU Council weights"})


def _deu_value(raw: str, path: Path, line: int, column: str, what: str) -> float:
    raw = raw.strip().strip('"')
    if raw == "":
        return math.nan
    try:
        v = float(raw)
    except ValueError:
        raise ScenarioError(str(path), f"{what} {raw!r} is not a number", line, column) from None
    if not 0.0 <= v <= 100.0:
        raise ScenarioError(str(path), f"{what} {v:g} is outside the DEU scale [0, 100]", line, column)
    return v


# ------------------------------------------------------------------------------------- KTAB CSV
def read_ktab_csv(path: Path) -> Scenario:
    """KTAB SMP CSV: positions and saliences 0–100 (saliences are an attention budget per actor,
    Σ_k s_ik ≤ 100), influence any positive number. All dimensions form one policy space (group)."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    recs = [(k + 1, [c.strip() for c in next(csv.reader([ln]))]) for k, ln in enumerate(lines) if ln.strip()]
    if len(recs) < 3:
        raise ScenarioError(str(path), "a KTAB CSV needs a scenario line, a header and actors")
    (l1, first), (l2, header) = recs[0], recs[1]
    while header and header[-1] == "":
        header = header[:-1]
    name = first[0] if first else path.stem
    desc = first[1] if len(first) > 1 else ""
    try:
        n_act, n_dim = int(first[2]), int(first[3])
    except (IndexError, ValueError):
        raise ScenarioError(str(path), "line 1 must give name, description, #actors, #dimensions", l1) from None
    if len(header) < 3 + 2 * n_dim:
        raise ScenarioError(str(path), f"header has {len(header)} columns, need {3 + 2 * n_dim} for "
                                       f"{n_dim} dimensions", l2)
    dims = [header[3 + 2 * k] for k in range(n_dim)]
    dims = [d.removesuffix(" Position") for d in dims]
    rows: list[Row] = []
    caps: dict[str, Any] = {}
    lines_of: dict[str, int] = {}
    body = recs[2:]
    if len(body) != n_act:
        raise ScenarioError(str(path), f"line 1 announces {n_act} actors but {len(body)} follow", l1)
    for ln, rec in body:
        rec = rec + [""] * (3 + 2 * n_dim - len(rec))
        actor = rec[0]
        if not actor:
            raise ScenarioError(str(path), "missing actor name", ln, header[0])
        if actor in caps:
            raise ScenarioError(str(path), f"actor {actor!r} appears twice", ln, header[0])
        caps[actor] = rec[2]
        lines_of[actor] = ln
        total = 0.0
        for k, d in enumerate(dims):
            rows.append(Row(actor=actor, issue=d, position=rec[3 + 2 * k], salience=rec[4 + 2 * k], line=ln))
            try:
                total += float(rec[4 + 2 * k])
            except ValueError:
                pass
        if total > 100.0 + 1e-6:
            raise ScenarioError(str(path), f"saliences of {actor!r} sum to {total:g} > 100 across "
                                           "dimensions", ln)
    return build_scenario(rows, caps, path=str(path), name=name, description=desc,
                          salience_scale="percent", actor_lines=lines_of, groups={d: name for d in dims},
                          meta={"ktab": True})


# ------------------------------------------------------------------------------------- KTAB XML
def read_ktab_xml(path: Path) -> Scenario:
    """KTAB SMP XML (``smpSchema.xsd``): dimensions, actors with capability, position, salience, and
    the model parameters, kept in ``meta['ktab_params']`` (and the seed in ``meta['seed']``). An
    empty ``<dCoord>`` is an error naming the actor and the dimension (the shipped smpExample.xml has
    one)."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(path.read_bytes())
    except ET.ParseError as exc:
        raise ScenarioError(str(path), f"invalid XML: {exc}", exc.position[0] if exc.position else None) from None
    name = (root.findtext("name") or path.stem).strip()
    desc = (root.findtext("desc") or "").strip()
    dims = [(d.text or "").strip() for d in root.findall("./Dimensions/dName")]
    if not dims:
        raise ScenarioError(str(path), "no <Dimensions>/<dName> found")
    params = {p.tag: (p.text or "").strip() for p in (root.find("ModelParameters") or [])}
    rows: list[Row] = []
    caps: dict[str, Any] = {}
    for k, act in enumerate(root.findall("./Actors/Actor")):
        aname = (act.findtext("name") or "").strip()
        if not aname:
            raise ScenarioError(str(path), f"actor #{k + 1} has no <name>")
        caps[aname] = (act.findtext("capability") or "").strip()
        coords = [(c.text or "").strip() for c in act.findall("./Position/dCoord")]
        sals = [(c.text or "").strip() for c in act.findall("./Salience/dSal")]
        if len(coords) != len(dims) or len(sals) != len(dims):
            raise ScenarioError(str(path), f"actor {aname!r} has {len(coords)} coordinates and {len(sals)} "
                                           f"saliences for {len(dims)} dimensions")
        for d, p, s in zip(dims, coords, sals):
            if p == "":
                raise ScenarioError(str(path), f"actor {aname!r}: empty <dCoord> on dimension {d!r}",
                                    None, "dCoord")
            rows.append(Row(actor=aname, issue=d, position=p, salience=s))
    seed = (root.findtext("prngSeed") or "").strip()
    return build_scenario(rows, caps, path=str(path), name=name, description=desc,
                          salience_scale="percent", groups={d: name for d in dims},
                          meta={"ktab": True, "ktab_params": params, "seed": seed})


# ---------------------------------------------------------------------------------------- Decide
def read_decide(path: Path) -> Scenario:
    """Decide exchange-model input: ``'#A'`` actors, ``'#P'`` issues, ``'#M'`` scale anchors (the
    min and max define the interval), ``'#D'`` actor, issue, position, salience, power (salience and
    power in [0, 1]); ``'#0'``/``'#/'`` comments. Capability (power) is per actor and issue."""
    text = path.read_text(encoding="utf-8-sig")
    actors: list[str] = []
    anchors: dict[str, list[float]] = {}
    issues: list[str] = []
    rows: list[Row] = []
    for ln, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        fields = [f.strip().strip("'").strip('"') for f in raw.split("\t")]
        kind = fields[0]
        if kind in ("#0", "#O", "#/", "#") or kind.startswith("#/"):
            continue
        if kind == "#A":
            if len(fields) < 2 or not fields[1]:
                raise ScenarioError(str(path), "'#A' record without an actor key", ln)
            actors.append(fields[1])
        elif kind == "#P":
            if len(fields) < 2 or not fields[1]:
                raise ScenarioError(str(path), "'#P' record without an issue key", ln)
            issues.append(fields[1])
        elif kind == "#M":
            if len(fields) < 3:
                raise ScenarioError(str(path), "'#M' record needs issue and position", ln)
            try:
                anchors.setdefault(fields[1], []).append(float(fields[2]))
            except ValueError:
                raise ScenarioError(str(path), f"scale anchor {fields[2]!r} is not a number", ln,
                                    "position") from None
        elif kind == "#D":
            if len(fields) < 6:
                raise ScenarioError(str(path), f"'#D' record has {len(fields)} fields, needs 6 "
                                               "(#D, actor, issue, position, salience, power)", ln)
            actor, issue = fields[1], fields[2]
            if actor not in actors:
                raise ScenarioError(str(path), f"unknown actor {actor!r} (no '#A' record)", ln, "actor")
            if issue not in issues:
                raise ScenarioError(str(path), f"unknown issue {issue!r} (no '#P' record)", ln, "issue")
            rows.append(Row(actor=actor, issue=issue, position=fields[3], salience=fields[4], line=ln,
                            capability=fields[5]))
        else:
            raise ScenarioError(str(path), f"unknown record type {kind!r}", ln)
    scales = {d: (min(v), max(v)) for d, v in anchors.items() if len(v) >= 2}
    for r in rows:
        try:
            s = float(r.salience)
        except (TypeError, ValueError):
            continue
        if not 0.0 <= s <= 1.0:
            raise ScenarioError(str(path), f"salience {s:g} of {r.actor!r} on {r.issue!r} is outside [0, 1]",
                                r.line, "salience")
        try:
            c = float(r.capability)
        except (TypeError, ValueError):
            continue
        if not 0.0 <= c <= 1.0:
            raise ScenarioError(str(path), f"power {c:g} of {r.actor!r} on {r.issue!r} is outside [0, 1]",
                                r.line, "power")
    scen = build_scenario(rows, None, path=str(path), name=path.stem, issue_scales=scales,
                          salience_scale="unit", groups={d: path.stem for d in issues})
    return scen
