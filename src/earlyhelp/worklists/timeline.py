"""The family timeline: everything that happened to a household, newest first, read from the
front door, cases, assessments, plans and people in one UNION ALL."""

import datetime as dt

from django.db.models import CharField, DateTimeField, F, Q, TimeField, UUIDField, Value
from django.db.models.functions import Cast, Coalesce, TruncDate, TruncTime
from django.utils import timezone

from earlyhelp.access.sensitive import CASE_NOTE, may_see
from earlyhelp.assessments.models import Assessment
from earlyhelp.cases.models import (
    CaseNote,
    ClosureOutcome,
    Episode,
    RouteIn,
    Transition,
    TransitionKind,
)
from earlyhelp.frontdoor.models import Contact, TriageDecision, TriageOutcome
from earlyhelp.people.models import Consent, ConsentKind, ConsentStatus
from earlyhelp.plans.models import Plan, Review

# Timeline rows: each source contributes (order, kind, date, time, at, episode, contact, t1–t4),
# one UNION ALL sorted and sliced in the database, so a page costs two queries (count and page)
# however long the household's history is.
_TIMELINE_COLUMNS = ("tl_order", "tl_kind", "tl_date", "tl_time", "tl_at", "tl_episode",
                     "tl_contact", "tl_t1", "tl_t2", "tl_t3", "tl_t4")  # fmt: skip


def _timeline_rows(queryset, order, kind, *, at=None, date=None, episode=None, contact=None,
                   texts=()):  # fmt: skip
    """One source of timeline rows: `at` (a datetime field) or `date` (a date field) places it."""

    def text(expr):
        if expr is None:
            return Value("", output_field=CharField())
        return Coalesce(Cast(F(expr), CharField()), Value(""), output_field=CharField())

    def ref(expr):
        # A typed NULL: PostgreSQL must not guess text for the column of a UNION.
        return F(expr) if expr else Cast(Value(None), UUIDField())

    texts = list(texts) + [None] * (4 - len(texts))
    placed = (
        {"tl_date": TruncDate(at), "tl_time": TruncTime(at),
         "tl_at": F(at)}
        if at
        else {"tl_date": F(date), "tl_time": Value(dt.time.max, output_field=TimeField()),
              "tl_at": Cast(Value(None), DateTimeField())}
    )  # fmt: skip
    return (
        queryset.order_by()
        .annotate(
            tl_order=Value(order),
            tl_kind=Value(kind, output_field=CharField()),
            **placed,
            tl_episode=ref(episode),
            tl_contact=ref(contact),
            **{f"tl_t{n}": text(expr) for n, expr in enumerate(texts, start=1)},
        )
        .values(*_TIMELINE_COLUMNS)
    )


def _label(choices, value) -> str:
    """What get_FOO_display() would say for a value read without its model."""
    return str(dict(choices.choices).get(value, value))


class FamilyTimeline:
    """Everything that happened to a household, newest first, as a lazy sequence a Paginator
    slices: `len()` is one COUNT, a slice is one query for just that page's rows."""

    def __init__(self, rows, consent_names: dict):
        self._rows = rows
        self._names = consent_names
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._rows.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, slice):
            return [self._event(row) for row in self._rows[key]]
        return self._event(self._rows[key])

    def __iter__(self):
        return iter(self[:])

    def _event(self, row) -> dict:

        kind, t1, t2, t3, t4 = (row[c] for c in ("tl_kind", "tl_t1", "tl_t2", "tl_t3", "tl_t4"))
        label = {
            "contact": lambda: (
                f"Request for support {t1} received",
                f"From {t2}{', ' + t3 if t3 else ''}",
            ),
            "decision": lambda: (
                f"Front door decision: {_label(TriageOutcome, t1)}",
                f"Level of need: {t2}",
            ),
            "episode": lambda: (f"Early help episode {t1} opened", f"{_label(RouteIn, t2)}; {t3}"),
            "closure": lambda: (f"Episode {t1} closed", _label(ClosureOutcome, t2)),
            "transition": lambda: (_label(TransitionKind, t1), t2),
            "assessment": lambda: ("Early help assessment started", ""),
            "assessment_completed": lambda: ("Early help assessment completed", ""),
            "plan": lambda: ("Plan started", ""),
            "review": lambda: ("Review held", t1),
            "note": lambda: (f"Case note: {t1}", f"By {f'{t2} {t3}'.strip() or t4}"),
            "consent": lambda: (
                f"{_label(ConsentKind, t1)}: {_label(ConsentStatus, t2).lower()}",
                self._names.get(str(t3).replace("-", ""), ""),
            ),
        }[kind]
        title, text = label()
        at = row["tl_at"]
        has_time = at is not None
        if has_time and timezone.is_aware(at):
            at = timezone.localtime(at)
        date = row["tl_date"]
        if isinstance(date, str):  # SQLite hands back the text of a date computed in SQL
            date = dt.date.fromisoformat(date)
        return {
            "date": date,
            "at": at if has_time else date,
            "has_time": has_time,
            "kind": "assessment" if kind == "assessment_completed" else kind,
            "title": title,
            "text": text,
            "episode_id": row["tl_episode"],
            "contact_id": row["tl_contact"],
        }


def family_timeline(*, user, family) -> FamilyTimeline:
    """Everything that happened to a household, newest first: requests and decisions, episodes
    opened and closed, step-ups and step-downs, assessments, plans, reviews, case notes
    (sensitive ones only for early help staff and the lead) and consent decisions. Sorted and
    paginated in the database. `family` must come from a scoped selector (family_detail)."""

    episodes = Episode.objects.filter(family=family)
    assessments = Assessment.objects.filter(episode__family=family)
    notes = CaseNote.objects.filter(episode__family=family)
    if not may_see(user, CASE_NOTE):  # by role; else the lead practitioner sees their episodes'
        lead_sees = may_see(user, CASE_NOTE, episode=Episode(lead_practitioner_id=user.pk))
        led = Q(episode__lead_practitioner_id=user.pk) if lead_sees else Q(pk__in=[])
        notes = notes.filter(Q(is_sensitive=False) | led)
    members = family.memberships.all()  # prefetched by family_detail
    sources = [
        _timeline_rows(
            Contact.objects.filter(family=family),
            0,
            "contact",
            at="received_at",
            contact="id",
            texts=["reference", "referrer_name", "referrer_organisation__name"],
        ),
        _timeline_rows(
            TriageDecision.objects.filter(contact__family=family),
            1,
            "decision",
            at="decided_at",
            contact="contact_id",
            texts=["outcome", "level__name"],
        ),
        _timeline_rows(
            episodes,
            2,
            "episode",
            date="start_date",
            episode="id",
            texts=["reference", "route_in", "team__name"],
        ),
        _timeline_rows(
            episodes.filter(end_date__isnull=False),
            3,
            "closure",
            date="end_date",
            episode="id",
            texts=["reference", "closure_outcome"],
        ),
        _timeline_rows(
            Transition.objects.filter(family=family),
            4,
            "transition",
            date="date",
            episode="episode_id",
            texts=["kind", "reason"],
        ),
        _timeline_rows(assessments, 5, "assessment", date="started_on", episode="episode_id"),
        _timeline_rows(
            assessments.filter(completed_on__isnull=False),
            6,
            "assessment_completed",
            date="completed_on",
            episode="episode_id",
        ),
        _timeline_rows(
            Plan.objects.filter(episode__family=family),
            7,
            "plan",
            date="started_on",
            episode="episode_id",
        ),
        _timeline_rows(
            Review.objects.filter(episode__family=family),
            8,
            "review",
            date="held_on",
            episode="episode_id",
            texts=["summary"],
        ),
        _timeline_rows(
            notes,
            9,
            "note",
            at="written_at",
            episode="episode_id",
            texts=["subject", "author__first_name", "author__last_name", "author__username"],
        ),
        _timeline_rows(
            Consent.objects.filter(person_id__in=[m.person_id for m in members]),
            10,
            "consent",
            date="decided_on",
            texts=["kind", "status", "person_id"],
        ),
    ]
    rows = (
        sources[0]
        .union(*sources[1:], all=True)
        .order_by("-tl_date", "-tl_time", "tl_order", "-tl_at")
    )
    names = {m.person_id.hex: m.person.full_name for m in members}
    return FamilyTimeline(rows, names)
