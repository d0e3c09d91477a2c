"""Import and export files of engagements and objectives (CSV, JSON; Excel for export).

CSV: one record per row; list cells (partners, supporting_departments, objective_ids) are
separated by ``;``; objective indicators are a JSON list in their cell. JSON: an array of
objects with the same fields. Export-only fields (id, status, version, created_by, created_at,
updated_at, assessments) are ignored on import: imported engagements start as ``proposed``.
Reading reports the line each record starts on, so errors can name it.

Spreadsheet formulas are neutralised (OWASP "CSV injection"): in CSV, a text cell starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` (so does a cell that
starts with ``'``, so that import, which removes one leading ``'`` from every CSV cell, gives the
text back exactly); in Excel files every text cell is stored as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

from suasion.engagements.errors import ImportRowsError
from suasion.engagements.schemas import EngagementOut, ObjectiveOut
from suasion.errors import InputFileError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
MAX_JSON_DEPTH = 20


def neutralise(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula (module docstring)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


EXPORT_ONLY = {"id", "status", "version", "created_by", "created_at", "updated_at", "assessments"}
LIST_FIELDS = ("partners", "supporting_departments", "objective_ids")


def engagement_rows(records: list[EngagementOut]) -> list[dict[str, Any]]:
    rows = []
    for r in records:
        row = r.model_dump(mode="json", exclude={"assessments"})
        row["assessments"] = len(r.assessments)
        row["mean_rating"] = (sum(a.rating for a in r.assessments) / len(r.assessments)
                              if r.assessments else None)
        rows.append(row)
    return rows


def objective_rows(records: list[ObjectiveOut]) -> list[dict[str, Any]]:
    return [r.model_dump(mode="json") for r in records]


def dump(kind: str, records: list[Any], fmt: str) -> str:
    """CSV or JSON text of exported records."""
    if kind == "engagements":
        rows = [r.model_dump(mode="json") for r in records] if fmt == "json" else engagement_rows(records)
    else:
        rows = objective_rows(records)
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if fmt != "csv":
        raise InputFileError("<export>", f"unknown format {fmt!r}; csv or json")
    buffer = io.StringIO()
    fields = list(rows[0]) if rows else ["id", "title"]
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        out = {}
        for key, value in row.items():
            if isinstance(value, list) and key in LIST_FIELDS:
                out[key] = ";".join(str(v) for v in value)
            elif isinstance(value, (list, dict)):
                out[key] = json.dumps(value, ensure_ascii=False)
            else:
                out[key] = "" if value is None else value
        writer.writerow({k: neutralise(v) for k, v in out.items()})
    return buffer.getvalue()


def dump_xlsx(kind: str, records: list[Any]) -> bytes:
    """An Excel workbook of exported records (the CSV's columns); needs openpyxl
    (``pip install 'suasion[excel]'``). Text cells are stored as text, never as formulas."""
    try:
        from openpyxl import Workbook
    except ImportError:
        raise InputFileError("<export>", "Excel export needs openpyxl: pip install 'suasion[excel]' "
                             "(or export csv or json)") from None
    rows = list(csv.DictReader(io.StringIO(dump(kind, records, "csv"))))
    book = Workbook()
    sheet = book.active
    sheet.title = kind
    fields = list(rows[0]) if rows else ["id", "title"]
    sheet.append(fields)
    numeric = {"id", "version", "estimated_cost", "actual_cost", "assessments", "mean_rating"}
    for row in rows:
        values: list[Any] = []
        for key in fields:
            text = row[key]
            if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
                text = text[1:]  # the CSV escape; Excel cells are typed instead
            if key in numeric and text:
                try:
                    values.append(float(text) if "." in text or "e" in text else int(text))
                    continue
                except ValueError:
                    pass
            values.append(text)
        sheet.append(values)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_text(path: str | os.PathLike[str], fmt: str | None = None) -> tuple[str, str]:
    """The text of an import file and its format (from ``fmt`` or the file suffix)."""
    path = Path(path)
    fmt = fmt or path.suffix.lower().lstrip(".")
    if fmt not in ("csv", "json"):
        raise InputFileError(str(path), f"unknown format {fmt!r}; give --input-format csv or json")
    try:
        return path.read_text(encoding="utf-8-sig"), fmt
    except FileNotFoundError:
        raise InputFileError(str(path), "no such file") from None
    except UnicodeDecodeError as exc:
        raise InputFileError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _clean(record: dict[str, Any], from_csv: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key is None:
            raise ValueError("more cells than header columns")
        key = key.strip()
        if key in EXPORT_ONLY or key == "mean_rating":
            continue
        if from_csv:
            if value is None or value == "":
                continue
            value = value.removeprefix("'")  # the formula escape of exported CSV (module docstring)
            if key == "indicators":
                try:
                    value = json.loads(value)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"indicators: not a JSON list ({exc.msg})") from None
        out[key] = value
    return out


def _depth(value: Any) -> int:
    """Nesting depth of decoded JSON (iterative: deep values cannot exhaust the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                return depth
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def load(kind: str, text: str, fmt: str, source: str) -> list[tuple[int | None, dict[str, Any]]]:
    """(line, record) pairs of an import file; a file that cannot be parsed at all raises."""
    if fmt == "csv":
        return _load_csv(text, source)
    if fmt == "json":
        return _load_json(text, source)
    raise InputFileError(source, f"unknown format {fmt!r}; csv or json")


def _load_csv(text: str, source: str) -> list[tuple[int | None, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), strict=True)
    rows: list[tuple[int | None, dict[str, Any]]] = []
    bad: list[tuple[int | None, str]] = []
    try:
        if not reader.fieldnames:
            raise InputFileError(source, "empty file: no header row")
        start = 2
        for record in reader:
            try:
                rows.append((start, _clean(record, True)))
            except ValueError as exc:
                bad.append((start, str(exc)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputFileError(source, f"malformed CSV: {exc}", line=reader.line_num) from None
    if bad:
        raise ImportRowsError(source, bad)
    return rows


def _load_json(text: str, source: str) -> list[tuple[int | None, dict[str, Any]]]:
    decoder = json.JSONDecoder()
    n = len(text)

    def skip(i: int) -> int:
        while i < n and text[i] in " \t\r\n":
            i += 1
        return i

    counted = [0, 1]  # position up to which newlines are counted, and the line there

    def line_of(i: int) -> int:
        """Line of position ``i``; positions only grow, so each newline is counted once."""
        if i < counted[0]:
            return text.count("\n", 0, i) + 1
        counted[1] += text.count("\n", counted[0], i)
        counted[0] = i
        return counted[1]

    i = skip(0)
    if i >= n or text[i] != "[":
        raise InputFileError(source, "expected a JSON array of records", line=line_of(i))
    i = skip(i + 1)
    rows: list[tuple[int | None, dict[str, Any]]] = []
    bad: list[tuple[int | None, str]] = []
    if i < n and text[i] == "]":
        return rows
    while True:
        try:
            value, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise InputFileError(source, f"malformed JSON: {exc.msg} (column {exc.colno})",
                                 line=exc.lineno) from None
        except RecursionError:
            raise InputFileError(source, "JSON nested too deeply", line=line_of(i)) from None
        if _depth(value) > MAX_JSON_DEPTH:
            raise InputFileError(source, f"JSON nested more than {MAX_JSON_DEPTH} levels deep",
                                 line=line_of(i))
        if isinstance(value, dict):
            try:
                rows.append((line_of(i), _clean(value, False)))
            except ValueError as exc:
                bad.append((line_of(i), str(exc)))
        else:
            bad.append((line_of(i), f"expected an object, got {type(value).__name__}"))
        i = skip(end)
        if i < n and text[i] == ",":
            i = skip(i + 1)
            continue
        if i < n and text[i] == "]":
            break
        raise InputFileError(source, "malformed JSON: expected ',' or ']'", line=line_of(i))
    if skip(i + 1) != n:
        raise InputFileError(source, "malformed JSON: trailing content after the array",
                             line=line_of(skip(i + 1)))
    if bad:
        raise ImportRowsError(source, bad)
    return rows
