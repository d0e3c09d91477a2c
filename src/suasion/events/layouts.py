"""Registered physical layouts of event files, and sniffing which one a file is in.

Layouts (see docs/events.md and the GDELT/ICEWS codebooks):

* ``gdelt1_57``: GDELT 1.0 historical back-files, tab-separated, no header, 57 fields (no SOURCEURL);
* ``gdelt1_58``: GDELT 1.0 daily files (from 2013-04-01), 58 fields, SOURCEURL last;
* ``gdelt2_61``: GDELT 2.0 15-minute exports, 61 fields (each geo block gains ADM2Code);
* ``icews_20``: ICEWS coded event data (Harvard Dataverse), tab-separated with a header, 20 columns;
* ``polecat_40``: POLECAT (PLOVER-coded, ICEWS's successor), tab-separated, header, no quoting, 40 columns, as in
  the 2024 rows (``Event Intensity``); ``polecat_40i``: the same with the older header name ``Intensity``.
  No official POLECAT codebook was found (``../shared/data/events/polecat/POLECAT_format.md``), so the reader is
  strict: the header must be one of these two, column for column; event types and quad codes must be PLOVER's.

GDELT 1.0 files may mix 57- and 58-field rows, so the layout is decided per row.
"""

from __future__ import annotations

from dataclasses import dataclass

from suasion.events.errors import EventQueryError

_GDELT_HEAD = [
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
]


def _geo(prefix: str, adm2: bool) -> list[str]:
    fields = (
        ["Type", "FullName", "CountryCode", "ADM1Code"]
        + (["ADM2Code"] if adm2 else [])
        + ["Lat", "Long", "FeatureID"]
    )
    return [f"{prefix}Geo_{f}" for f in fields]


GDELT1_58_COLUMNS: tuple[str, ...] = tuple(
    _GDELT_HEAD
    + _geo("Actor1", False)
    + _geo("Actor2", False)
    + _geo("Action", False)
    + ["DATEADDED", "SOURCEURL"]
)
GDELT1_57_COLUMNS: tuple[str, ...] = GDELT1_58_COLUMNS[:57]
GDELT2_61_COLUMNS: tuple[str, ...] = tuple(
    _GDELT_HEAD
    + _geo("Actor1", True)
    + _geo("Actor2", True)
    + _geo("Action", True)
    + ["DATEADDED", "SOURCEURL"]
)
ICEWS_20_COLUMNS: tuple[str, ...] = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
)

POLECAT_40_COLUMNS: tuple[str, ...] = (
    "Event ID", "Event Date", "Event Type", "Event Mode", "Event Intensity", "Quad Code", "Contexts",
    "Actor Name", "Actor Country", "Actor COW", "Primary Actor Sector", "Actor Sectors", "Actor Title",
    "Actor Name Raw", "Wikipedia Actor ID",
    "Recipient Name", "Recipient Country", "Recipient COW", "Primary Recipient Sector", "Recipient Sectors",
    "Recipient Title", "Recipient Name Raw", "Wikipedia Recipient ID",
    "Placename", "City", "District", "Province", "Country", "Latitude", "Longitude", "GeoNames ID",
    "Raw Placename", "Feature Type", "Source", "Publication Date", "Story People", "Story Organizations",
    "Story Locations", "Language", "Version",
)
POLECAT_40I_COLUMNS: tuple[str, ...] = tuple("Intensity" if c == "Event Intensity" else c for c in POLECAT_40_COLUMNS)
PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
    "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
QUAD_CODES: tuple[str, ...] = ("VERBAL COOPERATION", "MATERIAL COOPERATION", "VERBAL CONFLICT", "MATERIAL CONFLICT")


def _enum(values: tuple[str, ...]) -> str:
    return "ENUM(" + ", ".join("'" + v + "'" for v in values) + ")"


# typed columns: DuckDB rejects (with file line) any row whose value does not cast; "required" ones may not be empty
_GDELT_TYPES = {
    "GLOBALEVENTID": "BIGINT",
    "SQLDATE": "DATE",
    "IsRootEvent": "INTEGER",
    "EventRootCode": "INTEGER",
    "QuadClass": "INTEGER",
    "GoldsteinScale": "DOUBLE",
    "NumMentions": "INTEGER",
    "NumSources": "INTEGER",
    "NumArticles": "INTEGER",
    "AvgTone": "DOUBLE",
    "DATEADDED": "BIGINT",
}
_GDELT_REQUIRED = ("GLOBALEVENTID", "SQLDATE", "EventRootCode", "DATEADDED")
_ICEWS_TYPES = {"Event ID": "BIGINT", "Event Date": "DATE", "Intensity": "DOUBLE"}
_ICEWS_REQUIRED = ("Event ID", "Event Date", "CAMEO Code")
_POLECAT_TYPES = {
    "Event Date": "DATE",
    "Event Type": _enum(PLOVER_TYPES),
    "Event Intensity": "DOUBLE",
    "Intensity": "DOUBLE",
    "Quad Code": _enum(QUAD_CODES),
}
_POLECAT_REQUIRED = ("Event ID", "Event Date", "Event Type", "Quad Code")


@dataclass(frozen=True)
class Layout:
    """One physical layout: its columns, typed columns, required columns, date format and header."""

    name: str
    dataset: str  # gdelt1 | gdelt2 | icews | polecat: score and QuadClass schemes follow the dataset
    columns: tuple[str, ...]
    types: dict[str, str]
    required: tuple[str, ...]
    date_format: str
    header: bool

    @property
    def n_fields(self) -> int:
        return len(self.columns)

    def duckdb_columns(self) -> dict[str, str]:
        return {c: self.types.get(c, "VARCHAR") for c in self.columns}


LAYOUTS: dict[str, Layout] = {
    "gdelt1_57": Layout(
        "gdelt1_57", "gdelt1", GDELT1_57_COLUMNS, _GDELT_TYPES, _GDELT_REQUIRED, "%Y%m%d", False
    ),
    "gdelt1_58": Layout(
        "gdelt1_58", "gdelt1", GDELT1_58_COLUMNS, _GDELT_TYPES, _GDELT_REQUIRED, "%Y%m%d", False
    ),
    "gdelt2_61": Layout(
        "gdelt2_61", "gdelt2", GDELT2_61_COLUMNS, _GDELT_TYPES, _GDELT_REQUIRED, "%Y%m%d", False
    ),
    "icews_20": Layout(
        "icews_20", "icews", ICEWS_20_COLUMNS, _ICEWS_TYPES, _ICEWS_REQUIRED, "%Y-%m-%d", True
    ),
    "polecat_40": Layout(
        "polecat_40", "polecat", POLECAT_40_COLUMNS, _POLECAT_TYPES, _POLECAT_REQUIRED, "%Y-%m-%d", True
    ),
    "polecat_40i": Layout(
        "polecat_40i", "polecat", POLECAT_40I_COLUMNS, _POLECAT_TYPES, _POLECAT_REQUIRED, "%Y-%m-%d", True
    ),
}
#: missing-value spellings per dataset (ICEWS: empty or NA; POLECAT: None, NA or empty)
NULL_STRINGS: dict[str, tuple[str, ...]] = {
    "gdelt1": ("",), "gdelt2": ("",), "icews": ("", "NA"), "polecat": ("", "None", "NA"),
}

#: ``--format`` value -> the layouts a file in that format may contain (first = most common)
FORMATS: dict[str, tuple[str, ...]] = {
    "gdelt1": ("gdelt1_58", "gdelt1_57"),
    "gdelt2": ("gdelt2_61",),
    "icews": ("icews_20",),
    "polecat": ("polecat_40", "polecat_40i"),
}


@dataclass(frozen=True)
class Sniffed:
    """What the first line of a file looks like."""

    layout: str | None  # a key of LAYOUTS, or None
    header: bool  # the first line is a header row
    description: str  # human-readable, for error messages


def sniff_line(line: bytes) -> Sniffed:
    """Guess the layout from a file's first line (tab/comma counts, header names)."""
    text = line.decode("utf-8", errors="replace").rstrip("\r\n")
    if not text.strip():
        return Sniffed(None, False, "an empty first line")
    tabs = text.split("\t")
    commas = text.split(",")
    n_tab = len(tabs)
    first = tabs[0].strip().strip('"')
    if n_tab == 20 and first == "Event ID":
        return Sniffed("icews_20", True, "20 tab-separated columns with the ICEWS header")
    if first == "Event ID" and tabs[1:3] == ["Event Date", "Event Type"]:
        names = tuple(t.strip() for t in tabs)
        for name in ("polecat_40", "polecat_40i"):
            if names == LAYOUTS[name].columns:
                return Sniffed(name, True, f"{n_tab} tab-separated columns with the POLECAT header")
        extra = [c for c in names if c not in POLECAT_40_COLUMNS and c != "Intensity"]
        missing = [c for c in POLECAT_40_COLUMNS if c not in names and c != "Event Intensity"]
        detail = "; ".join(
            part
            for part in (
                f"extra columns {', '.join(extra)}" if extra else "",
                f"missing {', '.join(missing)}" if missing else "",
                "the known columns in another order" if not extra and not missing else "",
            )
            if part
        )
        return Sniffed(
            None, True, f"a POLECAT-like header that matches no supported POLECAT layout ({detail})"
        )
    if n_tab > 1:
        header = first.upper() == "GLOBALEVENTID"
        for name in ("gdelt1_57", "gdelt1_58", "gdelt2_61"):
            if LAYOUTS[name].n_fields == n_tab:
                return Sniffed(
                    name, header, f"{n_tab} tab-separated fields" + (" with a header" if header else "")
                )
        if n_tab == 16:
            return Sniffed(None, False, "a GDELT 2.0 Mentions table (16 tab-separated fields)")
        if n_tab == 20:
            return Sniffed(None, False, "20 tab-separated fields without the ICEWS header")
        return Sniffed(None, False, f"{n_tab} tab-separated fields, which matches no registered layout")
    if len(commas) > 1:
        head = commas[0].strip().strip('"').lower()
        if head in {"globaleventid", ""} and len(commas) in (58, 62):
            kind = "gdeltPyR output (62 columns)" if len(commas) == 62 else "an R re-export (58 columns)"
            return Sniffed(
                None, True, f"a comma-separated GDELT CSV with header, {kind}, not a raw GDELT file"
            )
        if head == "globaleventid" and len(commas) == 16:
            return Sniffed(None, True, "a comma-separated GDELT Mentions CSV")
        return Sniffed(None, False, f"a comma-separated file with {len(commas)} fields")
    return Sniffed(None, False, "a single field per line")


def layout_of_format(fmt: str) -> tuple[str, ...]:
    """Layouts allowed for a ``--format`` value; raises ValueError for an unknown format."""
    try:
        return FORMATS[fmt]
    except KeyError:
        raise EventQueryError(f"unknown event format {fmt!r}; choose one of {', '.join(FORMATS)}") from None


def format_of_layout(layout: str) -> str:
    return next(f for f, layouts in FORMATS.items() if layout in layouts)
