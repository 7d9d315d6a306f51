"""The DPO's commands: audit_verify, subject_access_request, retention_review; and the demo's
two_factor_code."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from earlyhelp.cases import services as cases
from earlyhelp.core import audit
from earlyhelp.core.models import AuditEvent
from earlyhelp.core.security import two_factor
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.core.tests.test_audit import database_admin
from earlyhelp.frontdoor.tests.factories import ContactFactory
from earlyhelp.governance.models import LegalHold, RetentionRule
from earlyhelp.people.models import Family, Person
from earlyhelp.people.tests.factories import MembershipFactory, PersonFactory, family_with_members
from earlyhelp.testing.journey import completed_assessment, open_episode

# --- audit_verify -------------------------------------------------------------------------------


def _events(n, user=None):
    return [
        audit.record(user=user, action="view", object_type="x", object_id=str(i)) for i in range(n)
    ]


@pytest.mark.django_db
def test_audit_verify_passes_on_an_intact_chain(capsys):
    _events(5)
    call_command("audit_verify")
    assert "Audit trail intact: 5 rows checked." in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["edit", "delete", "delete newest"])
def test_audit_verify_exits_1_and_names_the_first_broken_row(capsys, tamper):
    events = _events(6)
    call_command("audit_seal")
    target = events[3]
    with database_admin() as cursor:  # bypassing the model's refusal, as a database admin could
        if tamper == "edit":
            AuditEvent.objects.filter(pk=target.pk).update(detail="nothing to see")
            broken, intact = target.pk, 3
        elif tamper == "delete":
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [target.pk])
            broken, intact = events[4].pk, 3  # the next row no longer links to its predecessor
        else:
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id > %s", [target.pk])
            broken, intact = events[5].pk, 4  # the head still names the removed last row
    with pytest.raises(SystemExit) as exit_:
        call_command("audit_verify")
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert f"Audit trail BROKEN at row {broken}" in err
    assert f"The {intact} rows before it are intact." in err


@pytest.mark.django_db
def test_audit_seal_seals_new_rows_and_refuses_over_a_gap(capsys):
    events = _events(3)
    call_command("audit_seal")
    assert "Sealed 3 rows; chain has 3 rows ending in" in capsys.readouterr().out
    with database_admin() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[2].pk])
    _events(1)
    with pytest.raises(SystemExit) as exit_:
        call_command("audit_seal")
    assert exit_.value.code == 1
    assert "NOT sealed" in capsys.readouterr().err
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 1


@pytest.mark.django_db
def test_audit_verify_reports_rows_the_sealer_left_too_long(capsys):
    _events(2)
    late = AuditEvent(at=timezone.now() - dt.timedelta(hours=1), action="view", object_id="x")
    late.save(force_insert=True)
    with pytest.raises(SystemExit) as exit_:
        call_command("audit_verify")
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert f"BROKEN at row {late.pk}: 1 rows are older than 10 minutes and not sealed" in err
    call_command("audit_verify")  # sealed now, and nothing is late any more
    assert "Audit trail intact: 3 rows checked." in capsys.readouterr().out


@pytest.mark.django_db
def test_the_model_refuses_edits_and_deletes():
    event = _events(1)[0]
    event.detail = "changed"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


# --- subject_access_request --------------------------------------------------------------------


def test_subject_access_request_exports_records_and_audit_of_access(world, tmp_path, capsys):
    episode = open_episode(world)
    completed_assessment(world, episode)
    cases.case_note_add(
        episode=episode, subject="Home visit", text="Spoke with Alex.", acting_user=world.worker
    )
    audit.record_view(user=world.manager, obj=world.child, person_id=world.child.pk)
    out = tmp_path / "sar.md"
    call_command(
        "subject_access_request",
        person=str(world.child.pk),
        out=str(out),
        by="manager",
        reason="SAR-2026-014",
    )
    text = out.read_text()
    assert f"# Subject access request: {world.child.full_name}" in text
    for heading in [
        "## Personal details",
        "## Households",
        "## Consent decisions",
        "## Requests for support",
        "## Early help episodes",
        "## Early help assessments",
        "## Case notes",
        "## Who has looked at or changed these records",
    ]:
        assert heading in text
    assert episode.reference in text
    assert "Spoke with Alex." in text
    assert "I want the shouting to stop." in text  # voice of the child
    assert "Viewed" in text and "UTC" in text
    export = AuditEvent.objects.get(action="export", person_id=world.child.pk)
    assert export.user == world.manager and export.reason == "SAR-2026-014"
    assert "Wrote" in capsys.readouterr().out


def test_subject_access_request_as_html_escapes_content(world, tmp_path):
    open_episode(world)
    Person.objects.filter(pk=world.child.pk).update(known_as="<script>x</script>")
    out = tmp_path / "sar.html"
    call_command("subject_access_request", person=str(world.child.pk), out=str(out), by="manager")
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "person, by, message",
    [
        ("00000000-0000-0000-0000-000000000000", "dpo", "No person with id"),
        ("not-a-uuid", "dpo", "No person with id"),
        (None, "nobody", "No active user 'nobody'"),
    ],
)
def test_subject_access_request_refuses_bad_input_and_writes_nothing(tmp_path, person, by, message):
    UserFactory(username="dpo")
    real = PersonFactory()
    out = tmp_path / "sar.md"
    with pytest.raises(CommandError, match=message):
        call_command("subject_access_request", person=person or str(real.pk), out=str(out), by=by)
    assert not out.exists()
    assert not AuditEvent.objects.filter(action="export").exists()


# --- retention_review ---------------------------------------------------------------------------


def _closed_family(world, youngest_born: dt.date) -> Family:
    family = family_with_members(children=1)
    family.memberships.filter(role="child").update(start_date=youngest_born)
    Person.objects.filter(memberships__family=family, memberships__role="child").update(
        date_of_birth=youngest_born
    )
    episode = open_episode(world, family=family)
    cases.episode_close(
        episode=episode,
        outcome="other",
        end_date=episode.start_date,
        summary="Family moved on.",
        acting_user=world.worker,
    )
    return family


def test_retention_lists_families_whose_youngest_child_is_25_and_never_deletes(world, capsys):
    today = dt.date(2030, 6, 1)
    due = _closed_family(world, dt.date(2005, 5, 31))  # 25 on 31 May 2030
    not_yet = _closed_family(world, dt.date(2005, 6, 2))
    older = _closed_family(world, dt.date(2004, 1, 1))
    MembershipFactory(
        family=older, person=PersonFactory(date_of_birth=dt.date(2012, 1, 1)), role="child"
    )  # a younger sibling keeps the household's record
    still_open = family_with_members()
    open_episode(world, family=still_open)
    Person.objects.filter(memberships__family=still_open).update(date_of_birth=dt.date(2000, 1, 1))
    families_before = Family.objects.count()

    call_command("retention_review", today=today.isoformat())
    out = capsys.readouterr().out
    assert f"DUE    2030-05-31  family    {due.pk}  {due.name}" in out
    assert str(not_yet.pk) not in out and str(older.pk) not in out
    assert str(still_open.pk) not in out
    assert "1 record(s) due for review, 0 held" in out and "Nothing was deleted." in out
    assert Family.objects.count() == families_before
    assert AuditEvent.objects.filter(
        action="export", detail__startswith="retention review"
    ).exists()


def test_a_legal_hold_keeps_a_record_off_the_due_list(world, capsys):
    family = _closed_family(world, dt.date(2001, 1, 1))
    LegalHold.objects.create(
        family=family, reason="Civil claim 2029/114", placed_on=dt.date(2029, 1, 1)
    )
    call_command("retention_review", today="2030-06-01")
    out = capsys.readouterr().out
    assert f"HELD   2026-01-01  family    {family.pk}" in out  # the 25th birthday, held
    assert "HELD: Civil claim 2029/114" in out
    assert "0 record(s) due for review, 1 held" in out


def test_a_lifted_hold_no_longer_holds(world, capsys):
    family = _closed_family(world, dt.date(2001, 1, 1))
    member = family.memberships.first().person
    LegalHold.objects.create(
        person=member,
        reason="Inquiry",
        placed_on=dt.date(2028, 1, 1),
        lifted_on=dt.date(2029, 1, 1),
    )
    call_command("retention_review", today="2030-06-01")
    assert "1 record(s) due for review, 0 held" in capsys.readouterr().out


@pytest.mark.django_db
def test_contacts_that_led_nowhere_are_due_after_the_configured_years(capsys, tmp_path):
    old = ContactFactory(received_at=dt.datetime(2020, 1, 10, tzinfo=dt.UTC))
    recent = ContactFactory(received_at=dt.datetime(2025, 1, 10, tzinfo=dt.UTC))
    csv_file = tmp_path / "due.csv"
    call_command("retention_review", today="2026-06-01", csv=str(csv_file))
    out = capsys.readouterr().out
    assert f"contact   {old.pk}  {old.reference}" in out
    assert str(recent.pk) not in out
    assert csv_file.read_text().count("\n") == 2  # header + one record
    RetentionRule.objects.filter(record_type="contact").update(years=10)
    call_command("retention_review", today="2026-06-01")
    assert str(old.pk) not in capsys.readouterr().out


@pytest.mark.django_db
def test_retention_review_rejects_a_bad_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("retention_review", today="1 June 2030")


@pytest.mark.django_db
def test_shipped_rules_exist():
    rules = {r.record_type: (r.basis, r.years) for r in RetentionRule.objects.all()}
    assert rules["family"] == ("youngest_child_age", 25)
    assert rules["contact"] == ("after_last_activity", 6)


# --- two_factor_code ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_two_factor_code_prints_a_demo_users_code(settings, capsys):
    settings.DEBUG = True
    user = UserFactory(username="demo.worker")
    device = two_factor.ensure_demo_device(user)
    assert two_factor.ensure_demo_device(user) == device  # made once
    call_command("two_factor_code", "demo.worker")
    code = capsys.readouterr().out.strip()
    assert code.isdigit() and len(code) == 6
    assert device.verify_token(code)
    details = two_factor.demo_login_details(user)
    assert details["otpauth_uri"].startswith("otpauth://totp/earlyhelp%3Ademo.worker?secret=")


@pytest.mark.django_db
def test_two_factor_code_refuses_real_users_and_production(settings):
    settings.DEBUG = True
    real = UserFactory(username="real.person")
    two_factor.pending_authenticator(real)
    with pytest.raises(CommandError, match="not a demo user"):
        call_command("two_factor_code", "real.person")
    with pytest.raises(CommandError, match="not a demo user"):
        call_command("two_factor_code", "nobody")
    demo = UserFactory(username="demo.manager")
    two_factor.ensure_demo_device(demo)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG on"):
        call_command("two_factor_code", "demo.manager")
