"""The family timeline: everything that happened to a household, newest first, read from the
front door, cases, assessments, plans and people in one UNION ALL."""

import datetime as dt
import functools
import weakref

from django.core.paginator import Paginator
from django.db import connections, router
from django.db.models import CharField, DateTimeField, F, Q, UUIDField, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from earlyhelp.access.sensitive import case_notes_reach
from earlyhelp.assessments.models import Assessment
from earlyhelp.cases.models import (
    CaseNote,
    ClosureOutcome,
    Episode,
    RouteIn,
    Transition,
    TransitionKind,
)
from earlyhelp.core.prepared import Compiled, cursor, placeholder
from earlyhelp.frontdoor.models import Contact, TriageDecision, TriageOutcome
from earlyhelp.people.models import Consent, ConsentKind, ConsentStatus, Membership
from earlyhelp.plans.models import Plan, Review

from .localdate import LocalDate

# Timeline rows: each source contributes (order, kind, date, time, at, episode, contact, t1–t4),
# one UNION ALL sorted and sliced in the database, so a page costs one query (its rows and the
# count of all) however long the household's history is.
_TIMELINE_COLUMNS = ("tl_order", "tl_kind", "tl_date", "tl_daylong", "tl_at", "tl_episode",
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
    # The local date places a row on its day; within a day an event known only by its date
    # (tl_daylong) comes before the timed ones, which follow their time (tl_at). No local time
    # of day is worked out: on SQLite each is a call into Python per row of the household's
    # whole history, and the date's call alone cost 0.1 ms of a family record (issue 19);
    # LocalDate makes the date itself without one for most times of day.
    placed = (
        {"tl_date": LocalDate(at), "tl_daylong": Value(0), "tl_at": F(at)}
        if at
        else {"tl_date": F(date), "tl_daylong": Value(1),
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
    return str(_labels(choices).get(value, value))


@functools.cache
def _labels(choices) -> dict:
    # The (lazy) labels by value, made once per choices class: every timeline event asks.
    return dict(choices.choices)


# Each kind of event's title and text from its row's texts t1–t4 (and the people's names by
# id, for consent): made once here, not as closures for every event of every page.
_WORDING = {
    "contact": lambda t1, t2, t3, t4, names: (
        f"Request for support {t1} received",
        f"From {t2}{', ' + t3 if t3 else ''}",
    ),
    "decision": lambda t1, t2, t3, t4, names: (
        f"Front door decision: {_label(TriageOutcome, t1)}",
        f"Level of need: {t2}",
    ),
    "episode": lambda t1, t2, t3, t4, names: (
        f"Early help episode {t1} opened", f"{_label(RouteIn, t2)}; {t3}"),
    "closure": lambda t1, t2, t3, t4, names: (f"Episode {t1} closed",
                                              _label(ClosureOutcome, t2)),
    "transition": lambda t1, t2, t3, t4, names: (_label(TransitionKind, t1), t2),
    "assessment": lambda t1, t2, t3, t4, names: ("Early help assessment started", ""),
    "assessment_completed": lambda t1, t2, t3, t4, names: (
        "Early help assessment completed", ""),
    "plan": lambda t1, t2, t3, t4, names: ("Plan started", ""),
    "review": lambda t1, t2, t3, t4, names: ("Review held", t1),
    "note": lambda t1, t2, t3, t4, names: (f"Case note: {t1}",
                                           f"By {f'{t2} {t3}'.strip() or t4}"),
    "consent": lambda t1, t2, t3, t4, names: (
        f"{_label(ConsentKind, t1)}: {_label(ConsentStatus, t2).lower()}",
        names.get(str(t3).replace("-", ""), ""),
    ),
}


class FamilyTimeline:
    """Everything that happened to a household, newest first, as a lazy sequence a Paginator
    slices. `page()` reads the page and the total in one query (the count a window over the
    same rows); `len()` alone is one COUNT, a slice one query for just those rows."""

    def __init__(self, rows, consent_names: dict):
        self._rows = rows
        self._names = consent_names
        self._count = None
        self._expected = None  # (low, high) of the page about to be asked for
        self._read = []  # (low, rows) already read

    def page(self, number, per_page: int):
        """The Paginator page for a page number as given (any text: as Paginator.get_page)."""
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        if wanted >= 1:
            self._expected = ((wanted - 1) * per_page, wanted * per_page)
        return Paginator(self, per_page).get_page(number)

    def count(self) -> int:
        if self._count is None and self._expected is not None:
            low, high = self._expected
            self._expected = None
            self._slice(low, high)  # the rows and, when there are any, the total
            if self._count is None and low == 0:
                self._count = 0  # not even a first page
        if self._count is None:
            self._count = self._rows.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, slice):
            if key.step is not None or (key.start or 0) < 0 or (key.stop or 0) < 0:
                raise ValueError("the timeline slices forwards only")
            return self._slice(key.start or 0, key.stop)
        rows = self._slice(key, key + 1)
        if not rows:
            raise IndexError(key)
        return rows[0]

    def __iter__(self):
        return iter(self[:])

    def _slice(self, low, high) -> list:
        # Rows already read serve any slice inside them: Paginator asks for [0:count] when
        # the last page is short, after page() read [0:per_page] with the count.
        for start, events in self._read:
            stop = high if self._count is None or high is None else min(high, self._count)
            if stop is None and self._count is not None:
                stop = self._count
            if stop is not None and start <= low and stop <= start + len(events):
                return events[low - start : stop - start]
        rows, total = self._rows.window(low, high)
        if total is not None:
            self._count = total
        zone = timezone.get_current_timezone()  # once: each event's time is shown in it
        events = [self._event(row, zone) for row in rows]
        self._read.append((low, events))
        return events

    def _event(self, row, zone) -> dict:
        kind = row["tl_kind"]
        title, text = _WORDING[kind](row["tl_t1"], row["tl_t2"], row["tl_t3"], row["tl_t4"],
                                     self._names)
        at = row["tl_at"]
        has_time = at is not None
        if has_time and at.tzinfo is not None:
            at = at.astimezone(zone)
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


# The UNION's SQL is built once per database connection and notes rule, with placeholder ids
# swapped for the request's: composing and compiling eleven querysets cost more than running
# them (issue 19). Ids are bound as parameters, never formatted into the SQL.
_FAMILY = placeholder(1)
_USER = placeholder(2)
_compiled = weakref.WeakKeyDictionary()  # connection -> {notes rule: _Compiled}
_NEWEST_FIRST = ("-tl_date", "-tl_daylong", "-tl_at", "tl_order")


class _Compiled(Compiled):
    """The timeline's SQL for one connection (core.prepared: the family's and the user's ids
    bound per request): the page with the total, and the count."""

    def __init__(self, rows, connection):
        # The user's id is in the SQL only when the notes rule names the lead practitioner.
        super().__init__(rows, connection, {"family": _FAMILY, "user": _USER}, optional=["user"])
        self.count_sql = f"SELECT COUNT(*) FROM ({self.sql}) tl_rows"
        # A page and the total in one query: the rows with a count over all of them (a window
        # is computed before LIMIT), newest first.
        q = connection.ops.quote_name
        order = ", ".join(f"{q(name.lstrip('-'))}{' DESC' if name[0] == '-' else ''}"
                          for name in _NEWEST_FIRST)  # fmt: skip
        self.window_sql = (
            f"SELECT tl_rows.*, COUNT(*) OVER () FROM ({self.sql}) tl_rows ORDER BY {order}"
        )


class _Rows:
    """The compiled UNION for one family and user: count() and slicing, as a Paginator needs."""

    def __init__(self, compiled: _Compiled, connection, params):
        self._compiled, self._connection, self._params = compiled, connection, params

    def count(self) -> int:
        with cursor(self._connection) as rows:
            rows.execute(self._compiled.count_sql, self._params)
            return rows.fetchone()[0]

    def window(self, low, high) -> tuple[list[dict], int | None]:
        """Rows low..high (high None: to the end) and the count of all rows (None when the
        slice is past the end, so it read none)."""
        compiled, connection = self._compiled, self._connection
        if high is not None and high <= low:
            return [], None
        limit = connection.ops.limit_offset_sql(low, high)
        with cursor(connection) as read:
            read.execute(f"{compiled.window_sql} {limit}", self._params)
            rows = read.fetchall()
        if not rows:
            return [], None
        return compiled.convert([row[:-1] for row in rows], connection), rows[0][-1]


def _compile(connection, notes_rule: str) -> _Compiled:
    per_connection = _compiled.setdefault(connection, {})
    if notes_rule not in per_connection:
        per_connection[notes_rule] = _Compiled(_union(notes_rule), connection)
    return per_connection[notes_rule]


def _union(notes_rule: str):
    """The eleven sources for the placeholder family and user (sorted by _NEWEST_FIRST)."""
    family = _FAMILY
    episodes = Episode.objects.filter(family_id=family)
    assessments = Assessment.objects.filter(episode__family_id=family)
    notes = CaseNote.objects.filter(episode__family_id=family)
    if notes_rule == "lead":
        notes = notes.filter(Q(is_sensitive=False) | Q(episode__lead_practitioner_id=_USER))
    elif notes_rule == "none":
        notes = notes.filter(is_sensitive=False)
    # Every member's consents, past members' too (as the family's memberships list them).
    members = Membership.objects.filter(family_id=family).values("person_id")
    sources = [
        _timeline_rows(
            Contact.objects.filter(family_id=family),
            0,
            "contact",
            at="received_at",
            contact="id",
            texts=["reference", "referrer_name", "referrer_organisation__name"],
        ),
        _timeline_rows(
            TriageDecision.objects.filter(contact__family_id=family),
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
            Transition.objects.filter(family_id=family),
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
            Plan.objects.filter(episode__family_id=family),
            7,
            "plan",
            date="started_on",
            episode="episode_id",
        ),
        _timeline_rows(
            Review.objects.filter(episode__family_id=family),
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
            Consent.objects.filter(person_id__in=members),
            10,
            "consent",
            date="decided_on",
            texts=["kind", "status", "person_id"],
        ),
    ]
    return sources[0].union(*sources[1:], all=True)


def family_timeline(*, user, family) -> FamilyTimeline:
    """Everything that happened to a household, newest first: requests and decisions, episodes
    opened and closed, step-ups and step-downs, assessments, plans, reviews, case notes
    (sensitive ones only for early help staff and the lead) and consent decisions. Sorted and
    paginated in the database. `family` must come from a scoped selector (family_detail)."""
    connection = connections[router.db_for_read(Episode)]
    compiled = _compile(connection, case_notes_reach(user))
    rows = _Rows(compiled, connection, compiled.bind(family=family.pk, user=user.pk))
    members = family.memberships.all()  # prefetched by family_detail
    names = {m.person_id.hex: m.person.full_name for m in members}
    return FamilyTimeline(rows, names)
