"""Annex A's rows kept current (docs/decisions/insights-annex-a-live.md, issue 19).

Annex A reads two derived tables – `AnnexAContactRow` (List 1: a contact and a child it is
about, with the contact's local day) and `AnnexAAssessmentRow` (List 2: an assessment and a
child it covers) – each carrying the child's columns, so each list is an index range scan with
no join to contacts, links or people. The rows are derived like an episode's stored state
(cases/state.py): never edited by a form, written here only, in the transaction of the write that
changes their source:
- a contact recorded (frontdoor's `contact_recorded` signal, sent once its people are linked),
  a contact's date or source changed, a link's subject flag changed or the link deleted;
- an assessment's dates or organisation changed, its children changed (m2m_changed);
- a person's ID, sex, ethnicity or date of birth changed (post_save);
- deletions of contacts, assessments and people cascade.
The receivers are connected in insights/apps.py. Writers that go around the services rebuild
once at the end of their transaction: the demo and benchmark generators call `refresh()`; the
history import (which may not import insights) sends core.bulk.written naming the contacts it
wrote, and only their rows are built (`refresh_for`).

The live query is the rule written once: `_live_contacts` / `_live_assessments` select what the
rows must hold; the incremental writes, `refresh()` and `differences()` (the daily
`annexa_check`) all use them, and the tests compare the lists served from the rows with the
lists counted live (`annexa.list_1_rows(..., live=True)`)."""

from __future__ import annotations

from django.db import connection
from django.db.models import CharField, Value
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    NullIf,
    Replace,
    Substr,
    TruncDate,
    Upper,
)

from earlyhelp.assessments.models import Assessment
from earlyhelp.frontdoor.models import ContactPerson

from .models import AnnexAAssessmentRow, AnnexAContactRow

CHILD = ("person_id", "child_id", "sex", "ethnicity", "date_of_birth")
CONTACT_COLUMNS = ("contact_id", *CHILD, "day", "source")
ASSESSMENT_COLUMNS = ("assessment_id", *CHILD, "started_on", "completed_on", "organisation_id")
PERSON_FIELDS = {"local_id", "sex", "ethnicity", "date_of_birth"}


def child_id_sql(person_id: str = "person_id", local_id: str = "person__local_id"):
    """annexa.child_unique_id() worked out by the database, as text: the local ID, else "EH" and
    the first 12 hex digits of the person's id in capitals (a UUID is text without dashes on
    SQLite, a uuid with them on PostgreSQL)."""
    derived = Concat(
        Value("EH"),
        Upper(Substr(Replace(Cast(person_id, CharField()), Value("-"), Value("")), 1, 12)),
        output_field=CharField(),
    )
    return Coalesce(NullIf(local_id, Value("")), derived, output_field=CharField())


def _live_contacts(**filters):
    """What List 1's rows must hold, from the contacts, their links and the people (the local
    day of receipt worked out by the database in the council's zone)."""
    return ContactPerson.objects.filter(is_subject=True, **filters).annotate(
        child_id=child_id_sql(), day=TruncDate("contact__received_at"),
    ).values_list("contact_id", "person_id", "child_id", "person__sex", "person__ethnicity",
                  "person__date_of_birth", "day", "contact__source")


def _live_assessments(**filters):
    """What List 2's rows must hold, from the assessments, their children and the people."""
    return Assessment.children.through.objects.filter(**filters).annotate(
        child_id=child_id_sql(),
    ).values_list("assessment_id", "person_id", "child_id", "person__sex", "person__ethnicity",
                  "person__date_of_birth", "assessment__started_on", "assessment__completed_on",
                  "assessment__completing_organisation_id")


def _insert(model, columns, live) -> int:
    """INSERT … SELECT: the live rows written by the database in one statement (Django 5.2
    selects values_list()'s columns in the order given)."""
    sql, params = live.query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({names}) {sql}", params)
        return cursor.rowcount


# -- kept current by the services' writes (receivers in apps.py) ------------------------------

def contact_recorded(contact) -> None:
    """A contact and its people were written: its rows, one INSERT."""
    _insert(AnnexAContactRow, CONTACT_COLUMNS, _live_contacts(contact_id=contact.pk))


def contact_changed(contact) -> None:
    """A contact's date or source may have changed: its rows again."""
    AnnexAContactRow.objects.filter(contact_id=contact.pk).delete()
    contact_recorded(contact)


def link_changed(contact_id, person_id) -> None:
    """A contact's link to a person changed (subject or not) or went."""
    AnnexAContactRow.objects.filter(contact_id=contact_id, person_id=person_id).delete()
    _insert(AnnexAContactRow, CONTACT_COLUMNS,
            _live_contacts(contact_id=contact_id, person_id=person_id))


def assessment_changed(assessment) -> None:
    """An assessment's dates or organisation may have changed: one UPDATE of its rows."""
    AnnexAAssessmentRow.objects.filter(assessment_id=assessment.pk).update(
        started_on=assessment.started_on, completed_on=assessment.completed_on,
        organisation_id=assessment.completing_organisation_id,
    )


def children_added(assessment_ids, person_ids) -> None:
    _insert(AnnexAAssessmentRow, ASSESSMENT_COLUMNS, _live_assessments(
        assessment_id__in=assessment_ids, person_id__in=person_ids))


def children_removed(assessment_ids, person_ids=None) -> None:
    rows = AnnexAAssessmentRow.objects.filter(assessment_id__in=assessment_ids)
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    rows.delete()


def person_changed(person) -> None:
    """A person's Annex A columns may have changed: one UPDATE per list."""
    from .annexa import child_unique_id

    values = {"child_id": child_unique_id(person.pk, person.local_id), "sex": person.sex,
              "ethnicity": person.ethnicity, "date_of_birth": person.date_of_birth}
    for model in (AnnexAContactRow, AnnexAAssessmentRow):
        model.objects.filter(person_id=person.pk).update(**values)


# -- whole tables: the bulk writers, the check -------------------------------------------------

def refresh() -> tuple[int, int]:
    """Both lists' rows rebuilt from the records, in the caller's transaction: for the writers
    that go around the services (history import, demo and benchmark generators) and the
    check's --fix. Returns the rows written (List 1, List 2)."""
    AnnexAContactRow.objects.all().delete()
    AnnexAAssessmentRow.objects.all().delete()
    return (_insert(AnnexAContactRow, CONTACT_COLUMNS, _live_contacts()),
            _insert(AnnexAAssessmentRow, ASSESSMENT_COLUMNS, _live_assessments()))


CHUNK = 5000  # ids per statement: under SQLite's limit on a statement's parameters


def refresh_for(contact_ids=(), assessment_ids=()) -> tuple[int, int]:
    """The rows of these contacts and assessments rebuilt from the records, in the caller's
    transaction (a bulk writer that says what it wrote: a fraction of refresh()'s time when it
    wrote a fraction of the borough). Returns the rows written (List 1, List 2)."""
    written = [0, 0]
    for index, model, columns, live, field, ids in (
        (0, AnnexAContactRow, CONTACT_COLUMNS, _live_contacts, "contact_id", list(contact_ids)),
        (1, AnnexAAssessmentRow, ASSESSMENT_COLUMNS, _live_assessments, "assessment_id",
         list(assessment_ids)),
    ):
        for start in range(0, len(ids), CHUNK):
            chunk = {f"{field}__in": ids[start:start + CHUNK]}
            model.objects.filter(**chunk).delete()
            written[index] += _insert(model, columns, live(**chunk))
    return written[0], written[1]


def differences() -> list[tuple[str, str, tuple]]:
    """Every row stored but not derived from the records, or derived but not stored:
    (list, "stored" or "missing", row)."""
    found = []
    for name, model, columns, live in (
        ("List 1", AnnexAContactRow, CONTACT_COLUMNS, _live_contacts()),
        ("List 2", AnnexAAssessmentRow, ASSESSMENT_COLUMNS, _live_assessments()),
    ):
        # Django's values: the same types for stored and derived columns on either database.
        stored, derived = set(model.objects.values_list(*columns)), set(live)
        found += [(name, "stored", row) for row in sorted(stored - derived, key=str)]
        found += [(name, "missing", row) for row in sorted(derived - stored, key=str)]
    return found


def correct() -> int:
    """Rebuild the rows if they differ from the records (the check's --fix), with an audit row
    saying how many rows were wrong."""
    from earlyhelp.core import audit
    from earlyhelp.core.models import AuditAction

    wrong = len(differences())
    if wrong:
        refresh()
        audit.record(user=None, action=AuditAction.CHANGE, object_type="insights.annexa_rows",
                     object_id="all", detail=f"Annex A rows corrected: {wrong} rows differed",
                     changes={"corrected": wrong})
    return wrong
