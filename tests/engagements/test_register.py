"""The register's Python API: life cycle, validation, optimistic concurrency, audit log, clearance."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from suasion.engagements.errors import (
    AuthenticationError,
    ConflictError,
    IllegalTransitionError,
    ImportRowsError,
    InvalidRecordError,
    PermissionDeniedError,
    RecordNotFoundError,
    SetupError,
    ThrottledError,
)
from suasion.engagements.register import Register
from suasion.errors import InputFileError, SuasionError, UnknownActorError

from .conftest import PASSWORD, engagement, objective


def _counts(reg: Register) -> tuple[int, int, int]:
    with reg.store.read() as s:
        return tuple(s.scalar(sa.text(f"SELECT count(*) FROM {t}"))  # type: ignore[return-value]
                     for t in ("engagements", "objectives", "audit_log"))


def test_migrations_match_models(reg: Register) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from suasion.engagements.models import Base

    with reg.store.writer.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_full_life_cycle_is_audited(reg: Register) -> None:
    planner, approver = reg.as_user("planner_sec"), reg.as_user("approver_sec")
    obj = planner.add_objective(objective())
    e = planner.add(engagement(objective_ids=[obj.id]))
    assert (e.status.value, e.version, e.partners) == ("proposed", 1, ["PAK"])
    e = planner.transition(e.id, "planned", version=e.version)
    e = approver.approve(e.id, version=e.version)
    e = planner.transition(e.id, "executed", version=e.version)
    e = planner.assess(e.id, {"date": "2026-03-10", "rating": 4, "narrative": "useful",
                              "indicator_results": [{"indicator": "engagements completed", "value": 3}],
                              "version": e.version})
    assert e.status.value == "assessed" and e.version == 5
    assert e.assessments[0].rating == 4 and e.assessments[0].assessor == "planner_sec"
    entries = planner.audit(entity="engagement", entity_id=e.id).items
    assert [x.action for x in reversed(entries)] == ["create", "transition", "approve", "transition", "assess"]
    approve = [x for x in entries if x.action == "approve"][0]
    assert approve.actor == "approver_sec"
    assert approve.before["status"] == "planned" and approve.after["status"] == "approved"
    assert approve.version == 3


@pytest.mark.parametrize("path, illegal", [
    ([], "approved"), ([], "executed"), (["planned"], "executed"), (["planned"], "proposed"),
    (["cancelled"], "planned"), (["planned", "approved", "executed"], "cancelled"),
])
def test_illegal_transitions_are_refused_and_change_nothing(reg: Register, path: list[str],
                                                            illegal: str) -> None:
    admin = reg.as_user("root")
    e = admin.add(engagement())
    for step in path:
        e = admin.transition(e.id, step, version=e.version)
    before = _counts(reg)
    with pytest.raises(IllegalTransitionError, match=f"-> {illegal} is not allowed"):
        admin.transition(e.id, illegal, version=e.version)
    assert _counts(reg) == before
    assert admin.get(e.id).version == e.version


def test_assessed_only_by_assessment_and_only_when_executed(reg: Register) -> None:
    admin = reg.as_user("root")
    e = admin.add(engagement())
    with pytest.raises(IllegalTransitionError):
        admin.transition(e.id, "assessed", version=e.version)
    with pytest.raises(IllegalTransitionError, match="only executed"):
        admin.assess(e.id, {"date": "2026-03-10", "rating": 3, "version": e.version})


@pytest.mark.parametrize("change, error, message", [
    ({"end_date": "2026-03-01"}, InvalidRecordError, "end_date 2026-03-01 is before start_date"),
    ({"estimated_cost": -5}, InvalidRecordError, "estimated_cost: Input should be greater than or equal to 0"),
    ({"actual_cost": -0.01}, InvalidRecordError, "actual_cost"),
    ({"partners": ["PAK", "XYZ"]}, UnknownActorError, "XYZ"),
    ({"partners": []}, InvalidRecordError, "partners"),
    ({"objective_ids": [999]}, InvalidRecordError, "unknown objective id\\(s\\): 999"),
    ({"currency": "ZZZ"}, InvalidRecordError, "unknown currency 'ZZZ'"),
    ({"type": "picnic"}, InvalidRecordError, "type"),
    ({"classification": "TOP SECRET"}, InvalidRecordError, "unknown classification 'TOP SECRET'"),
    ({"start_date": "2026-02-30"}, InvalidRecordError, "start_date"),
])
def test_bad_input_is_a_clear_error_and_nothing_is_written(reg: Register, change: dict, error: type,
                                                           message: str) -> None:
    planner = reg.as_user("planner_sec")
    before = _counts(reg)
    with pytest.raises(error, match=message):
        planner.add(engagement(**change))
    assert _counts(reg) == before


def test_bad_update_leaves_the_record_unchanged(reg: Register) -> None:
    planner = reg.as_user("planner_sec")
    e = planner.add(engagement())
    before = _counts(reg)
    with pytest.raises(InvalidRecordError, match="end_date 2026-03-01 is before start_date 2026-03-02"):
        planner.update(e.id, {"version": e.version, "title": "renamed", "end_date": "2026-03-01"})
    with pytest.raises(UnknownActorError):
        planner.update(e.id, {"version": e.version, "partners": ["QQQ"]})
    assert _counts(reg) == before
    assert planner.get(e.id).model_dump() == e.model_dump()


def test_unknown_partner_suggests_a_code(reg: Register) -> None:
    with pytest.raises(UnknownActorError, match="PAK"):
        reg.as_user("planner_off").add(engagement(partners=["PAKK"]))


def test_stale_update_is_refused_and_not_overwritten(reg: Register) -> None:
    alice, bob = reg.as_user("planner_sec"), reg.as_user("approver_sec")
    e = alice.add(engagement())
    first = alice.update(e.id, {"version": e.version, "title": "Alice's title"})
    with pytest.raises(ConflictError, match="at version 2, your change was made against version 1"):
        bob.update(e.id, {"version": e.version, "title": "Bob's title"})
    current = bob.get(e.id)
    assert current.title == "Alice's title" and current.version == first.version == 2
    updates = [x for x in alice.audit(entity="engagement", entity_id=e.id).items if x.action == "update"]
    assert len(updates) == 1 and updates[0].before["title"] == "Defence staff talks"
    assert updates[0].after["title"] == "Alice's title"


def test_relationship_only_change_bumps_version(reg: Register) -> None:
    planner = reg.as_user("planner_sec")
    e = planner.add(engagement())
    e2 = planner.update(e.id, {"version": 1, "partners": ["IND", "PAK"]})
    assert e2.version == 2 and e2.partners == ["IND", "PAK"]


def test_audit_log_is_append_only(reg: Register) -> None:
    reg.as_user("root").add(engagement())
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), reg.store.write() as s:
            s.execute(sa.text(statement))


def test_roles(reg: Register) -> None:
    with pytest.raises(PermissionDeniedError, match="viewer"):
        reg.as_user("viewer_sec").add(engagement())
    e = reg.as_user("planner_sec").add(engagement())
    e = reg.as_user("planner_sec").transition(e.id, "planned", version=e.version)
    with pytest.raises(PermissionDeniedError, match="approve"):
        reg.as_user("planner_sec").approve(e.id, version=e.version)
    assert reg.as_user("approver_sec").approve(e.id, version=e.version).status.value == "approved"
    with pytest.raises(PermissionDeniedError):
        reg.as_user("approver_sec").add_user({"username": "x", "password": PASSWORD, "role": "viewer",
                                              "clearance": "OFFICIAL"})


def test_clearance_hides_records_everywhere(reg: Register) -> None:
    secret = reg.as_user("planner_sec")
    low = reg.as_user("planner_off")
    hidden_obj = secret.add_objective(objective(title="Secret aim", classification="SECRET"))
    shown = secret.add(engagement(title="Open talks"))
    hidden = secret.add(engagement(title="Secret talks", classification="SECRET",
                                   objective_ids=[hidden_obj.id]))
    secret.update(shown.id, {"version": 1, "objective_ids": [hidden_obj.id]})
    with pytest.raises(RecordNotFoundError):
        low.get(hidden.id)
    with pytest.raises(RecordNotFoundError):
        low.update(hidden.id, {"version": 1, "title": "x"})
    with pytest.raises(RecordNotFoundError):
        low.get_objective(hidden_obj.id)
    assert [e.title for e in low.list().items] == ["Open talks"]
    assert low.count() == 1 and secret.count() == 2
    assert low.list(q="secret").total == 0 and secret.list(q="secret").total == 1
    assert low.count_objectives() == 0
    assert low.get(shown.id).objective_ids == []  # the link to a SECRET objective is not shown
    assert "Secret" not in low.export("engagements", "csv") + low.export("objectives", "json")
    assert all(x.classification == "OFFICIAL" for x in low.audit().items)
    # the audit entry that links an OFFICIAL engagement to a SECRET objective is SECRET itself
    assert all(hidden_obj.id not in (x.after or {}).get("objective_ids", []) for x in low.audit().items)
    assert any(hidden_obj.id in (x.after or {}).get("objective_ids", []) for x in secret.audit().items
               if x.entity_id == shown.id)
    secret.import_text("engagements", json.dumps([engagement(classification="SECRET")]), "json")
    assert [x.action for x in low.audit(entity="engagements").items] == []
    assert [x.action for x in secret.audit(entity="engagements").items] == ["import"]
    with pytest.raises(InvalidRecordError, match="above your clearance"):
        low.add(engagement(classification="SECRET"))
    # an edit by a low-cleared user keeps the link it cannot see
    low.update(shown.id, {"version": 2, "objective_ids": []})
    assert secret.get(shown.id).objective_ids == [hidden_obj.id]


def test_import_is_all_or_nothing_and_names_every_bad_line(reg: Register, tmp_path) -> None:
    planner = reg.as_user("planner_sec")
    csv_text = (
        "title,type,partners,start_date,end_date,level,lead_department,estimated_cost\n"
        "Port call,ship_visit,IND,2026-05-01,2026-05-03,working,defence,5000\n"
        "Bad dates,training,PAK,2026-05-09,2026-05-01,working,defence,100\n"
        "Good forum,regional_forum,SGP;IDN,2026-06-01,2026-06-03,ministerial,foreign,\n"
        "Bad partner,outreach,ZZZ,2026-05-01,2026-05-02,working,development,10\n"
        "Bad cost,outreach,PAK,2026-05-01,2026-05-02,working,development,-10\n")
    path = tmp_path / "in.csv"
    path.write_text(csv_text)
    before = _counts(reg)
    with pytest.raises(ImportRowsError) as info:
        planner.import_file(path)
    assert [line for line, _ in info.value.rows] == [3, 5, 6]
    assert "end_date" in info.value.rows[0][1] and "ZZZ" in info.value.rows[1][1]
    assert _counts(reg) == before
    good = "\n".join(csv_text.splitlines()[:2] + [csv_text.splitlines()[3]]) + "\n"
    path.write_text(good)
    ids = planner.import_file(path)
    assert len(ids) == 2 and planner.get(ids[1]).partners == ["SGP", "IDN"]


def test_import_reports_unknown_objectives_with_lines(reg: Register) -> None:
    planner = reg.as_user("planner_sec")
    text = json.dumps([engagement(), engagement(objective_ids=[77])], indent=1)
    before = _counts(reg)
    with pytest.raises(ImportRowsError, match="unknown objective") as info:
        planner.import_text("engagements", text, "json", "x.json")
    lines = [i + 1 for i, t in enumerate(text.splitlines()) if t == " {"]
    assert [line for line, _ in info.value.rows] == [lines[1]]
    assert _counts(reg) == before


@pytest.mark.parametrize("text, fmt, message", [
    ('[{"title": "x",}]', "json", "malformed JSON"),
    ('{"title": "x"}', "json", "expected a JSON array"),
    ("", "csv", "empty file"),
    ('title,type\n"unterminated,staff_talks\n', "csv", "malformed CSV|bad row"),
    ("[1, 2]", "json", "expected an object"),
])
def test_malformed_import_files(reg: Register, text: str, fmt: str, message: str) -> None:
    before = _counts(reg)
    with pytest.raises((InputFileError, ImportRowsError), match=message):
        reg.as_user("planner_sec").import_text("engagements", text, fmt, "f")
    assert _counts(reg) == before


def test_export_import_round_trip(reg: Register) -> None:
    planner = reg.as_user("planner_sec")
    obj = planner.add_objective(objective())
    planner.add(engagement(objective_ids=[obj.id], partners=["PAK", "AFG"], notes="a, \"quoted\"\nnote"))
    planner.add(engagement(title="Exercise", type="exercise", estimated_cost=None))
    texts = {fmt: planner.export("engagements", fmt) for fmt in ("csv", "json")}
    for fmt, text in texts.items():
        ids = planner.import_text("engagements", text, fmt)
        copies = [planner.get(i) for i in ids]
        assert [c.title for c in copies] == ["Defence staff talks", "Exercise"]
        assert copies[0].partners == ["PAK", "AFG"] and copies[0].objective_ids == [obj.id]
        assert copies[0].notes == "a, \"quoted\"\nnote" and copies[1].estimated_cost is None
    ids = planner.import_text("objectives", planner.export("objectives", "csv"), "csv")
    assert planner.get_objective(ids[0]).indicators == obj.indicators


def test_users_login_tokens_and_throttling(reg: Register) -> None:
    with pytest.raises(SetupError):
        reg.init_admin("again", PASSWORD)
    assert reg.login("viewer_off", PASSWORD).actor.role.value == "viewer"
    token = reg.as_user("viewer_off").create_token("script")
    assert reg.with_token(token).actor.username == "viewer_off"
    with pytest.raises(AuthenticationError):
        reg.with_token(token + "x")
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            reg.login("planner_off", "wrong password!")
    with pytest.raises(ThrottledError):
        reg.login("planner_off", PASSWORD)  # locked even with the right password
    root = reg.as_user("root")
    user = [u for u in root.list_users() if u.username == "viewer_off"][0]
    root.update_user("viewer_off", {"version": user.version, "active": False})
    with pytest.raises(AuthenticationError):
        reg.with_token(token)
    with pytest.raises(ConflictError):
        root.update_user("viewer_off", {"version": user.version, "active": True})


def test_classification_list_is_configurable(reg: Register) -> None:
    root = reg.as_user("root")
    with pytest.raises(InvalidRecordError, match="in use"):
        root.set_classifications(["OFFICIAL", "SECRET"])
    root.set_classifications(["UNCLASSIFIED", "OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET"])
    assert reg.classifications()[0] == "UNCLASSIFIED"
    assert reg.as_user("root").add(engagement(classification="UNCLASSIFIED")).classification == "UNCLASSIFIED"
    with pytest.raises(PermissionDeniedError):
        reg.as_user("planner_sec").set_classifications(["A"])


def test_errors_are_suasion_errors() -> None:
    for cls in (ConflictError, IllegalTransitionError, ImportRowsError, InvalidRecordError,
                RecordNotFoundError, AuthenticationError, ThrottledError, PermissionDeniedError):
        assert issubclass(cls, SuasionError)


def test_paging_totals(reg: Register) -> None:
    planner = reg.as_user("planner_sec")
    for i in range(3):
        planner.add(engagement(title=f"e{i}", start_date=f"2026-03-0{i + 2}", end_date="2026-03-09"))
    pages = [planner.list(limit=2, offset=o) for o in (0, 2, 5)]
    assert [p.total for p in pages] == [3, 3, 3]
    assert [[e.title for e in p.items] for p in pages] == [["e0", "e1"], ["e2"], []]
    assert planner.list(limit=0).total == 3 and planner.count(q="e1") == 1
