"""POLECAT (PLOVER-coded): the strict reader, the PLOVER tables, and dyad indices against an independent count.

POLECAT rows may not be committed (research and educational use only, © Leidos): the samples are read from
../shared/data/events/polecat and the tests skip without it; constructed rows below are made up.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from suasion.events.api import dyad_events, dyad_index, ingest_events, top_partners
from suasion.events.errors import EventFormatError, EventQueryError
from suasion.events.layouts import POLECAT_40_COLUMNS
from suasion.events.readers import check_file
from suasion.events.reference import plover_intensity, plover_quad
from suasion.events.store import EventStore

from .test_fast_path import same

QUADS = {"VERBAL COOPERATION": 1, "MATERIAL COOPERATION": 2, "VERBAL CONFLICT": 3, "MATERIAL CONFLICT": 4}


def _raw_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        if path.suffix == ".tsv":
            return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def sample(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[dict[str, str]]]:
    """The raw POLECAT TSV, plus the two re-exported CSV samples written back as raw tab-separated files."""
    folder = shared_data / "events" / "polecat"
    raw = folder / "polecat_raw_head99_2024-05-26.tsv"
    files, rows = [raw], _raw_rows(raw)
    tmp = tmp_path_factory.mktemp("polecat")
    for name in ("polecat_graphrag_train_data_new3.csv", "polecat_graphrag_test_data_new3.csv"):
        part = _raw_rows(folder / name)
        assert all("\t" not in v and "\n" not in v for r in part for v in r.values())
        target = tmp / (name[:-4] + ".txt")
        target.write_text(
            "\t".join(POLECAT_40_COLUMNS) + "\n" + "".join("\t".join(r[c] for c in POLECAT_40_COLUMNS) + "\n" for r in part),
            encoding="utf-8",
        )
        files.append(target)
        rows += part
    return files, rows


def _state(cows: str) -> str | None:
    """Independent reading of a COW slot: the one distinct code of the "; " list, mapped by suasion.actors."""
    from suasion.actors import cow_to_iso3

    codes = {c for c in cows.split("; ") if c not in ("None", "NA", "")}
    if len(codes) != 1:
        return None
    code = int(codes.pop())
    return "VNM" if code == 817 else cow_to_iso3(code)


def _independent_index(rows: list[dict[str, str]]) -> dict[tuple[str, str, str], dict[str, float]]:
    """Directed dyad-day counts, quad counts and intensity sums, each Event ID counted once."""
    seen: set[str] = set()
    out: dict[tuple[str, str, str], dict[str, float]] = defaultdict(Counter)
    for r in rows:
        if r["Event ID"] in seen:
            continue
        seen.add(r["Event ID"])
        a, b = _state(r["Actor COW"]), _state(r["Recipient COW"])
        if a is None or b is None or a == b:
            continue
        cell = out[(r["Event Date"], a, b)]
        cell["events"] += 1
        cell[f"q{QUADS[r['Quad Code']]}"] += 1
        cell["intensity"] += float(r["Event Intensity"])
    return out


def test_polecat_dyad_indices_equal_an_independent_count(sample, tmp_path: Path) -> None:
    files, rows = sample
    expect = _independent_index(rows)
    assert sum(c["events"] for c in expect.values()) > 500
    store = EventStore(tmp_path / "s")
    report = ingest_events(files, store=store)
    assert set(report["status"]) == {"ingested"} and report["rows_skipped"].sum() == 0
    stored = dyad_index(store=store, freq="day")
    got = {
        (r.period, r.source, r.target): (r.events, r.verbal_coop, r.material_coop, r.verbal_conflict,
                                         r.material_conflict, r.goldstein_sum)
        for r in stored.itertuples()
    }
    assert set(got) == set(expect)
    for key, cell in expect.items():
        events, q1, q2, q3, q4, intensity = got[key]
        assert (events, q1, q2, q3, q4) == (cell["events"], cell["q1"], cell["q2"], cell["q3"], cell["q4"]), key
        assert intensity == pytest.approx(cell["intensity"]), key
    same(stored, dyad_index(files=files, freq="day"), ["period", "source", "target"])
    same(stored, dyad_index(store=store, freq="day", engine="ibis"), ["period", "source", "target"])
    india = dyad_events("IND", "PAK", freq="month", store=store)
    assert india["events"].sum() == sum(
        c["events"] for (_, a, b), c in expect.items() if {a, b} == {"IND", "PAK"}
    )
    assert list(top_partners("IND", n=3, store=store)["partner"])  # partners work on PLOVER rows too


def test_plover_tables_agree_with_every_sample_row(sample) -> None:
    _, rows = sample
    quads, scores = plover_quad(), plover_intensity()
    for r in rows:
        assert quads[r["Event Type"]] == QUADS[r["Quad Code"]]
        mode = "" if r["Event Mode"] in ("None", "NA") else r["Event Mode"]
        assert scores[(r["Event Type"], mode)] == float(r["Event Intensity"]), r["Event ID"]


def _constructed(tmp_path: Path, header: list[str], rows: list[list[str]], name: str = "made_up.txt") -> Path:
    path = tmp_path / name
    path.write_text("\t".join(header) + "\n" + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _row(event_id: str, kind: str = "ACCUSE", quad: str = "VERBAL CONFLICT", actor: str = "750",
         recipient: str = "770", intensity: str = "-3.00") -> list[str]:
    values = dict.fromkeys(POLECAT_40_COLUMNS, "None")
    values.update({
        "Event ID": event_id, "Event Date": "2024-05-26", "Event Type": kind, "Event Intensity": intensity,
        "Quad Code": quad, "Actor COW": actor, "Recipient COW": recipient, "Publication Date": "2024-05-26",
    })
    return [values[c] for c in POLECAT_40_COLUMNS]


def test_reader_is_strict_about_what_it_assumes(tmp_path: Path) -> None:
    good = _row("20240526-0001-aaaaaaaaaaaa_ACCUSE")
    bad_type = _row("20240526-0002-bbbbbbbbbbbb_DEMAND", kind="DEMAND")
    bad_quad = _row("20240526-0003-cccccccccccc_ACCUSE", quad="verbal conflict")
    bad_date = _row("20240526-0004-dddddddddddd_ACCUSE")
    bad_date[1] = "26/05/2024"
    path = _constructed(tmp_path, list(POLECAT_40_COLUMNS), [good, bad_type, bad_quad, bad_date])
    report = check_file(path)
    assert report.rows_written == 1 and report.rows_skipped == 3
    assert [p.line for p in report.problems] == [3, 4, 5]
    assert "DEMAND" in report.problems[0].reason
    with pytest.raises(EventFormatError, match="line 3"):
        dyad_index(files=[path], on_error="fail")
    # the older header name "Intensity" is a known layout; extra or missing columns are refused
    older = _constructed(tmp_path, ["Intensity" if c == "Event Intensity" else c for c in POLECAT_40_COLUMNS],
                         [good], "older.txt")
    assert check_file(older).layouts == {"polecat_40i": 1}
    extra = _constructed(tmp_path, [*POLECAT_40_COLUMNS, "Headline"], [[*good, "x"]], "extra.txt")
    with pytest.raises(EventFormatError, match="extra columns Headline"):
        check_file(extra)
    shuffled = list(POLECAT_40_COLUMNS)
    shuffled[7], shuffled[8] = shuffled[8], shuffled[7]
    with pytest.raises(EventFormatError, match="another order"):
        check_file(_constructed(tmp_path, shuffled, [good], "shuffled.txt"))


def test_several_countries_in_one_slot_count_in_no_dyad_and_cameo_options_are_refused(tmp_path: Path) -> None:
    rows = [
        _row("20240526-0001-aaaaaaaaaaaa_ACCUSE"),
        _row("20240526-0002-bbbbbbbbbbbb_ACCUSE", actor="750; 2"),
        _row("20240526-0003-cccccccccccc_ACCUSE", actor="None; 750; 750"),
        _row("20240526-0001-aaaaaaaaaaaa_ACCUSE"),  # the same Event ID again
    ]
    path = _constructed(tmp_path, list(POLECAT_40_COLUMNS), rows)
    frame = dyad_index(files=[path], freq="day")
    assert list(zip(frame.source, frame.target, frame.events)) == [("IND", "PAK", 2)]
    assert frame.loc[0, "goldstein_sum"] == -6.0 and frame.loc[0, "verbal_conflict"] == 2
    assert dyad_index(files=[path], freq="day", dedup="none")["events"].sum() == 3
    with pytest.raises(EventQueryError, match="PLOVER"):
        dyad_index(files=[path], scheme="gdelt")
    with pytest.raises(EventQueryError, match="PLOVER"):
        dyad_index(files=[path], defence=True)
    with pytest.raises(Exception, match="no mentions"):
        dyad_index(files=[path], weight="mentions")
