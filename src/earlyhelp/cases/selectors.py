"""Reads of episodes, always scoped to the user (reads across apps: earlyhelp.worklists)."""

import datetime as dt
import functools
import json
import operator
import uuid

from django.db import models
from django.db.models import (
    Aggregate,
    Count,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.base import ModelState
from django.db.models.functions import Coalesce, JSONObject
from django.utils.dateparse import parse_datetime

from earlyhelp.access import policy
from earlyhelp.access.scoping import (
    get_visible_or_404,
    scope_key,
    visible_episodes,
    visible_families,
)
from earlyhelp.access.sensitive import case_notes_reach
from earlyhelp.core import audit, audited_read, dates
from earlyhelp.core.filtering import filtered
from earlyhelp.core.prepared import (
    fields_of,
    hang,
    instance,
    loaded,
    plain_init,
    scoped_row_or_404,
)
from earlyhelp.directory.models import OPEN_REFERRAL_STATUSES, Referral
from earlyhelp.panels.models import PanelCase, PanelCaseStatus
from earlyhelp.people.models import Person
from earlyhelp.people.selectors import Joined
from earlyhelp.plans.models import ActionStatus, PlanAction

from .filters import EpisodeFilter
from .models import Episode, EpisodeStatus, FocusChild, TafMember, Transition


def episode_list(*, user, filters=None) -> QuerySet[Episode]:
    """Episodes in scope, narrowed by EpisodeFilter (a value it cannot read: ValidationError)."""
    episodes = visible_episodes(user).select_related(
        "family", "team", "lead_practitioner", "level"
    )
    return filtered(EpisodeFilter, filters, episodes).order_by("-start_date", "reference")


# The episode's related rows read with it, each as much of it as the page, the policy and the
# API's suggestions read (None: the whole row): the rest stays deferred (a field read beyond
# these costs a query, pinned in tests) – whole users, families and requests for support were
# a good part of converting the episode's row (issue 19).
# What the episode's pages show of a person who is a user (their display name): as lead
# practitioner, action owner, note author.
_USER_SHOWN = ("id", "username", "first_name", "last_name")

_DETAIL_RELATED = {
    "family": ("id", "name"),
    "team": ("id", "name", "service_id"),
    "lead_practitioner": _USER_SHOWN,
    "level": None,
    "contact": ("id", "reference"),
}


@functools.cache
def _detail_columns() -> tuple:
    return (*fields_of(Episode),
            *(f"{name}__{column}" for name, _, columns in _detail_related()
              for column in columns))  # fmt: skip


@functools.cache
def _detail_related() -> tuple:
    """Per _DETAIL_RELATED relation: its name, model and the columns read (a whole row's
    spelled out)."""
    related = []
    for name, shows in _DETAIL_RELATED.items():
        model = Episode._meta.get_field(name).related_model
        columns = shows or tuple(f.attname for f in model._meta.concrete_fields)
        related.append((name, model, columns))
    return tuple(related)


def _episode_of(row: dict) -> Episode:
    """The episode of its scoped row, each related row cached on it as select_related would
    (None where there is none)."""
    episode = instance(Episode, row)
    for name, model, columns in _detail_related():
        episode._state.fields_cache[name] = instance(model, row, f"{name}__", fields=columns)
    return episode


@functools.cache
def _detail_lists() -> dict:
    """The episode page's lists, each a JSON column of the episode's row: PAGE_LISTS
    (`_json_lists`) and its work (`_work_lists`)."""
    lists = _json_lists()
    return {**{f"_json_{name}": lists[name][0] for name in PAGE_LISTS},
            **{f"_work_{name}": subquery for _, name, *_, subquery in _work_lists()}}


def episode_detail(*, user, episode_id) -> Episode:
    """One episode with everything its page or API response needs, in a fixed number of queries.
    Audited as a view – on PostgreSQL by the read's own statement (core.audited_read)."""
    return _episode_read(user, episode_id, dict, ("episode_detail", scope_key(user)))[0]


def episode_page(*, user, episode_id) -> tuple[Episode, list, list]:
    """episode_detail's episode, with its newest five notes (episode_notes's first five) and
    its referrals (as directory.selectors.episode_referrals gives them) read in the same query:
    a round trip each, and their Python, cost more than their rows (issue 19)."""
    sees = case_notes_reach(user)

    def extra():  # composed only where the SQL is compiled
        return {"_page_notes": _page_notes(sees, user.pk), "_page_referrals": _page_referrals()}

    episode, row = _episode_read(user, episode_id, extra, ("episode_page", scope_key(user), sees))
    notes = [_note_of(data, episode) for data in json.loads(row["_page_notes"] or "[]")]
    notes.sort(key=_newest_written, reverse=True)
    referrals = [_referral_of(data) for data in json.loads(row["_page_referrals"] or "[]")]
    referrals.sort(key=_newest_sent, reverse=True)
    return episode, notes, referrals


def _episode_read(user, episode_id, extra, key: tuple) -> tuple[Episode, dict]:
    """The episode as episode_detail reads it and its row, with the annotations `extra()` gives
    (their SQL fixed by `key`, which names the scope)."""
    # The episode, its related rows, its lists (`_lists_of`) and its work (`_hang_work`): one
    # scoped query, compiled once per scope (core.prepared)
    wrap = audited_read.view_row_wrap(Episode, user=user)  # PostgreSQL: one statement

    def build():
        lists = {**_detail_lists(), **extra()}
        # No ORDER BY for one episode by its id (an episode's order, -start_date, made SQLite
        # sort the row and its lists in a temporary B-tree: 20-30 us of the page's query)
        return (visible_episodes(user).annotate(**lists)
                .values(*_detail_columns(), *lists).order_by())  # fmt: skip

    row = scoped_row_or_404(
        Episode,
        build,
        episode_id,
        key=key,
        wrap=wrap,
    )
    episode = _episode_of(row)
    _lists_of(episode, PAGE_LISTS, row)
    _hang_family_ratings(episode)
    _hang_work(episode, row)
    if wrap is None:
        audit.record_view(user=user, obj=episode, family_id=episode.family_id)
    return episode, row


# What the page shows of a note and its author, read alone: the rest (the note's text, its
# audit columns, the author's password hash and times) stays deferred – converting it was most
# of the notes' cost (issue 19). A field read beyond these costs a query (pinned in tests).
_NOTE_SHOWS = ("id", "episode_id", "written_at", "author_id", "subject", "is_sensitive")
_AUTHOR_SHOWS = ("username", "first_name", "last_name", "id")  # _USER_SHOWN in the model's order
# ... as the JSON keys of `_page_notes`
_NOTE_KEYS = (*_NOTE_SHOWS, *(f"author__{name}" for name in _AUTHOR_SHOWS))


def _page_notes(sees: str, user_pk):
    """The episode's newest five notes the user may see (`sees`: access.sensitive.
    case_notes_reach), as episode_notes orders them, a JSON array: the newest found by the
    notes' own index, then read."""
    from django.db.models.lookups import Exact

    from .models import CaseNote

    newest = CaseNote.objects.filter(episode_id=OuterRef(OuterRef("pk")))
    if sees == "none":
        newest = newest.filter(is_sensitive=False)
    elif sees == "lead":  # may_see: the episode's lead practitioner (never a NULL lead)
        newest = newest.filter(
            Q(is_sensitive=False) | Q(Exact(OuterRef(OuterRef("lead_practitioner_id")), user_pk)))
    newest = newest.order_by("-written_at").values("pk")[:5]
    # (found by their ids alone: SQLite ran a correlated IN once per note of the episode)
    return _rows_of(CaseNote.objects.filter(pk__in=newest), **_columns(*_NOTE_KEYS))


def _note_of(data: dict, episode):
    """A note of `_page_notes` with its author, the rest of each deferred."""
    from earlyhelp.core.models import User

    from .models import CaseNote

    note = loaded(CaseNote, _NOTE_SHOWS, [
        _uuid(data["id"]), _uuid(data["episode_id"]), _aware(data["written_at"]),
        _uuid(data["author_id"]), data["subject"], bool(data["is_sensitive"])])
    author = [data[f"author__{name}"] for name in _AUTHOR_SHOWS]
    author[-1] = _uuid(author[-1])
    note._state.fields_cache["author"] = loaded(User, _AUTHOR_SHOWS, author)
    note._state.fields_cache["episode"] = episode
    return note


def _newest_written(note):
    return note.written_at


# What the page shows of a referral, its service (and organisation) and person
_REFERRAL_KEYS = ("id", "reference", "status", "sent_at", "service__id", "service__name",
                  "service__organisation_id", "service__organisation__name", "person__id",
                  "person__given_name", "person__family_name")


@functools.cache
def _page_referrals():
    """The episode's referrals (directory.selectors.episode_referrals's: matched on the
    episode's family too), a JSON array. Built once (each use resolves its own copy)."""
    return _rows_of(Referral.objects.filter(episode_id=OuterRef("pk"),
                                            family_id=OuterRef("family_id")),
                    **_columns(*_REFERRAL_KEYS))


def _referral_of(data: dict) -> Referral:
    """A referral of `_page_referrals` with its service, organisation and person, the rest of
    each deferred."""
    from earlyhelp.core.models import Organisation
    from earlyhelp.directory.models import Service

    referral = loaded(Referral, ("id", "reference", "status", "sent_at"), [
        _uuid(data["id"]), data["reference"], data["status"], _aware(data["sent_at"])])
    service = loaded(Service, ("id", "name"), [_uuid(data["service__id"]), data["service__name"]])
    organisation_id = data["service__organisation_id"]
    service._state.fields_cache["organisation"] = organisation_id and loaded(
        Organisation, ("id", "name"),
        [_uuid(organisation_id), data["service__organisation__name"]])
    referral._state.fields_cache["service"] = service
    person_id = data["person__id"]
    referral._state.fields_cache["person"] = person_id and loaded(
        Person, ("id", "given_name", "family_name"),
        [_uuid(person_id), data["person__given_name"], data["person__family_name"]])
    return referral


def _newest_sent(referral):
    return referral.sent_at


@functools.cache
def _work_lists() -> tuple:
    """The episode's assessments (each with its presenting needs, their theme and person),
    plans (outcomes; actions with their owner) and reviews (scores), as prefetch_related read
    them: each list a JSON array of its rows (`_rows_of`) in the episode's own query
    (`_detail`) – seven queries' round trips cost more than their rows (issue 19). A JSON
    column is never read into a related row (SQLite would give its text): such a field is left
    deferred. Sorted as each model orders them (ties by creation).
    (parent cache name or None: the episode, name, model, its parent's foreign key, related,
    sort key, subquery)"""
    from earlyhelp.assessments.models import Assessment, PresentingNeed
    from earlyhelp.plans.models import Plan, PlanOutcome, ProgressScore, Review

    def listed(model, to_episode, related=()):
        columns = [f.attname for f in _plain_fields(model)]
        for name in related:
            related_model = model._meta.get_field(name).related_model
            columns += [f"{name}__{f.attname}" for f in _plain_fields(related_model, name)]
        queryset = model.objects.filter(**{to_episode: OuterRef("pk")})
        return _rows_of(queryset, by=to_episode, **_columns(*columns))

    return (
        (None, "assessments", Assessment, "episode", ("completing_organisation",),
         lambda a: (-a.started_on.toordinal(), a.created_at),
         listed(Assessment, "episode_id", ("completing_organisation",))),
        ("assessments", "presenting_needs", PresentingNeed, "assessment", ("theme", "person"),
         lambda n: (n.theme.order, n.created_at),
         listed(PresentingNeed, "assessment__episode_id", ("theme", "person"))),
        (None, "plans", Plan, "episode", (), lambda p: (-p.started_on.toordinal(), p.created_at),
         listed(Plan, "episode_id")),
        ("plans", "outcomes", PlanOutcome, "plan", (), lambda o: (o.order, o.created_at),
         listed(PlanOutcome, "plan__episode_id")),
        ("plans", "actions", PlanAction, "plan", ("owner",),
         lambda a: (a.due_date, a.created_at), listed(PlanAction, "plan__episode_id", ("owner",))),
        (None, "reviews", Review, "episode", (), lambda r: (r.held_on, r.created_at),
         listed(Review, "episode_id")),
        ("reviews", "scores", ProgressScore, "review", (), lambda s: s.pk,
         listed(ProgressScore, "review__episode_id")),
    )  # fmt: skip


def _plain_fields(model, relation: str = "") -> list:
    """The fields of `model` read into its list rows (as the row `relation` of another's, only
    those _RELATED_SHOWS names for it), less the audit columns no page of the lists shows."""
    shows = _RELATED_SHOWS.get(relation)
    unshown = (*_UNSHOWN, *(() if relation else _LIST_UNSHOWN.get(model._meta.label_lower, ())))
    return [f for f in model._meta.concrete_fields if not isinstance(f, models.JSONField)
            and f.attname not in unshown and (shows is None or f.attname in shows)]  # fmt: skip


# Who last changed a row, and when: a time and two UUIDs per row to build and convert (issue 19)
_UNSHOWN = ("modified_at", "created_by_id", "modified_by_id")

# The work lists' own text that neither the page nor the suggestions read (an assessment's
# summaries, a need's description, a score's comment): at a real borough's length, paragraphs
# per row to build as JSON, parse and hold. Left deferred (a read costs a query, pinned).
_LIST_UNSHOWN = {
    "assessments.assessment": ("voice_of_child", "family_view", "summary"),
    "assessments.presentingneed": ("description", "cin_factor"),
    "plans.progressscore": ("comment",),
}


# What the page shows of the work lists' related rows, where that is less than the whole row:
# the rest stays deferred (a field read beyond these costs a query, pinned in tests). Whole
# users and people were a good part of building, reading and converting the episode's lists
# (their password hashes and times included; issue 19).
_RELATED_SHOWS = {
    "completing_organisation": ("id", "name"),
    "theme": ("id", "name", "order"),  # a need's theme: its name, and its place for sorting
    "person": ("id", "given_name", "family_name"),
    "owner": _USER_SHOWN,
}


@functools.cache
def _json_maker(model, prefix: str = ""):
    """row -> a saved instance of `model` from a JSON row of `_work_lists` (its fields under
    `prefix`), or None for a related row that is not there. Made once per model and prefix:
    the keys read in one call (itemgetter), only the values that are not text or whole numbers
    converted (`_converter`), and no lookups per row – some thirty rows a page (issue 19)."""
    fields = _plain_fields(model, prefix.removesuffix("__"))
    names = [f.attname for f in fields]
    keys = [f"{prefix}{name}" for name in names]
    read = operator.itemgetter(*keys) if len(keys) > 1 else lambda row: (row[keys[0]],)
    converted = [(name, at, convert) for at, (name, convert) in
                 enumerate((f.attname, _converter(f)) for f in fields) if convert is not _unchanged]
    pk_at = names.index(model._meta.pk.attname)

    def make(row):
        values = read(row)
        if prefix and values[pk_at] is None:
            return None
        return _saved_from(model, names, values, converted)

    return make


def _converted(values, converted) -> list:
    """`values` with those at the positions `converted` names through their converters."""
    values = list(values)
    for _, at, convert in converted:
        if values[at] is not None:
            values[at] = convert(values[at])
    return values


def _saved_from(model, names, values, converted):
    """A saved instance of `model` holding `values` under `names` (the other fields deferred),
    those at the positions `converted` names through their converters (None stays None).
    A model whose __init__ does more than store values (core.prepared.plain_init) is made by
    `loaded`, through its from_db."""
    if not plain_init(model):
        return loaded(model, names, _converted(values, converted))
    obj = model.__new__(model)
    state = obj.__dict__
    state.update(zip(names, values, strict=True))
    for name, at, convert in converted:
        if (value := values[at]) is not None:
            state[name] = convert(value)
    obj._state = saved = ModelState()
    saved.adding, saved.db = False, "default"
    return obj


def _hang_work(episode, row: dict) -> None:
    """Hang each of _work_lists, read with the episode (`row`), on its parents as prefetched."""
    read = {None: {episode.pk: episode}}
    for parent_list, name, model, parent_fk, related, order, _ in _work_lists():
        parents = read[parent_list]
        make, relations, attname = _work_makers(model, related, parent_fk)
        objects = []
        for data in json.loads(row[f"_work_{name}"] or "[]"):
            obj = make(data)
            cache = obj._state.fields_cache
            for relation, make_related in relations:
                cache[relation] = make_related(data)
            objects.append(obj)
        objects.sort(key=order)
        children = {pk: [] for pk in parents}
        for obj in objects:
            parent_pk = getattr(obj, attname)
            obj._state.fields_cache[parent_fk] = parents[parent_pk]
            children[parent_pk].append(obj)
        for pk, parent in parents.items():
            hang(parent, name, model, children[pk])
        read[name] = {obj.pk: obj for obj in objects}


@functools.cache
def _work_makers(model, related: tuple, parent_fk: str) -> tuple:
    """For a work list: its rows' maker, (name, maker) of each related row read with them, and
    the attname of their parent's foreign key."""
    relations = tuple((name, _json_maker(model._meta.get_field(name).related_model, f"{name}__"))
                      for name in related)  # fmt: skip
    return _json_maker(model), relations, model._meta.get_field(parent_fk).attname


def episode_for_api(*, user, episode_id) -> tuple[dict, dict[str, list[dict]]]:
    """One episode with what the API's episode detail (cases.api.EpisodeOutput) shows: ids of
    its related rows and summaries of its assessments, plans and reviews – none of the needs,
    entries, outcomes or scores the page reads. Audited as a view – on PostgreSQL by the read's
    own statement (core.audited_read: no round trip of its own).

    The scoped episode and all its lists in one statement compiled once per scope
    (core.prepared.scoped_row_or_404), each list a JSON array (a correlated subquery per list,
    see `_json_lists`) instead of one prefetch query each – at full size and under load each
    round trip cost more than the rows it brought, and composing and compiling the scoped query
    took longer than running it (issue 19). Returns the episode's row (_API_COLUMNS: its own
    columns, its family's name and its lead's names) and its lists as plain rows by name
    (`_api_lists`), which cases.api.episode_body writes out: model instances for them cost
    more than the query."""
    wrap = audited_read.view_row_wrap(Episode, user=user)  # PostgreSQL: one statement
    row = scoped_row_or_404(Episode, lambda: _api_episodes(user), episode_id,
                            key=("episode_api", scope_key(user)), wrap=wrap)
    if wrap is None:
        audit.record_view(user=user, model=Episode, object_id=row["id"],
                          family_id=row["family_id"])
    return row, _api_lists(row)


def _api_episodes(user) -> QuerySet:
    """The user's episodes as values: _API_COLUMNS and each of API_LISTS as a JSON array."""
    lists = _json_lists()
    return visible_episodes(user).annotate(
        **{f"_json_{name}": lists[name][0] for name in API_LISTS}
    ).values(*_API_COLUMNS, *(f"_json_{name}" for name in API_LISTS)).order_by()  # one row


# The episode's own columns the API shows, and its family's name and its lead's names: read as
# values, not select_related's three whole rows – compiling and converting those took longer
# than the query (issue 19).
_API_COLUMNS = (
    "id", "reference", "family_id", "status", "start_date", "end_date", "route_in", "reason",
    "level_id", "team_id", "lead_practitioner_id", "closure_outcome", "lead_allocated_on",
    "contact_id", "closure_summary", "social_care_reference", "cin_closure_reason",
    "previous_episode_id", "next_review_due", "last_review_on", "assessment_state",
    "assessment_completed_on", "version", "family__name", "lead_practitioner__first_name",
    "lead_practitioner__last_name", "lead_practitioner__username",
)


class _JSONArray(Aggregate):
    """The group's values as one JSON array, as text: json_group_array (SQLite), json_agg
    (PostgreSQL). Order is not the database's to keep here: `_hang` sorts."""

    function = "JSON_GROUP_ARRAY"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_AGG",
                              template="CAST(%(function)s(%(expressions)s) AS text)",
                              **extra_context)


def _rows_of(queryset, by="episode_id", **fields):
    """A correlated subquery: the episode's rows of `queryset` (`by`: their episode's id) as a
    JSON array of objects."""
    return Subquery(
        queryset.order_by().values(by)
        .annotate(rows=_JSONArray(JSONObject(**fields))).values("rows")
    )


@functools.cache
def _json_lists() -> dict:
    """For each list EpisodeOutput or the episode page shows: (subquery, model, sort key) – the
    fields they read, and those its model orders by. Built once: composing six subqueries per
    request cost more than their SQL (each use resolves its own copy, so sharing them is safe)."""
    from earlyhelp.assessments.models import Assessment
    from earlyhelp.plans.models import ClosingScore, FamilyRating, FamilyView, Plan, Review

    mine = {"episode_id": OuterRef("pk")}
    # The plan's actions found by its plan, the open ones counted (not a WHERE on the status: a
    # bound status matches neither the partial index of open actions nor a good plan, and
    # SQLite searched every open action of the borough by status for each plan – issue 19).
    open_actions = Coalesce(Subquery(
        PlanAction.objects.filter(plan_id=OuterRef("pk"))
        .order_by().values("plan_id")
        .annotate(n=Count("pk", filter=Q(status=ActionStatus.OPEN))).values("n")
    ), 0)
    return {
        "focus_children": (
            _rows_of(Episode.focus_children.through.objects.filter(**mine), id="person_id",
                     family_name="person__family_name", given_name="person__given_name"),
            Person, lambda p: (p.family_name, p.given_name, str(p.pk)),
        ),
        "taf_members": (
            _rows_of(TafMember.objects.filter(**mine), **_columns(
                "id", "user_id", "name", "organisation_id", "organisation__name", "role",
                "joined_on", "left_on")),
            TafMember, lambda m: (m.joined_on, m.name),
        ),
        "transitions": (
            _rows_of(Transition.objects.filter(**mine), **_columns(
                "id", "kind", "date", "social_care_decided_on", "reason",
                "social_care_reference", "cin_code", "recorded_by_id", "created_at")),
            Transition, lambda t: (t.date, t.created_at),
        ),
        "assessments": (
            _rows_of(Assessment.objects.filter(**mine), **_columns(
                "id", "status", "started_on", "completed_on", "created_at")),
            Assessment, lambda a: (-a.started_on.toordinal(), a.created_at),
        ),
        "plans": (
            _rows_of(Plan.objects.filter(**mine), open_action_count=open_actions, **_columns(
                "id", "status", "started_on", "created_at")),
            Plan, lambda p: (-p.started_on.toordinal(), p.created_at),
        ),
        "reviews": (
            _rows_of(Review.objects.filter(**mine), **_columns(
                "id", "held_on", "next_review_due", "created_at")),
            Review, lambda r: (r.held_on, r.created_at),
        ),
        # The page's ratings (`episode_ratings`): each list read whole, in no order of its own
        "family_views": (
            _rows_of(FamilyView.objects.filter(**mine), **_columns(
                "id", "review_id", "rater", "declined", "words", "satisfaction")),
            FamilyView, lambda v: str(v.pk),
        ),
        "family_ratings": (
            _rows_of(FamilyRating.objects.filter(view__episode_id=OuterRef("pk")),
                     by="view__episode_id", **_columns("id", "view_id", "need_id", "score")),
            FamilyRating, lambda r: r.pk,
        ),
        "closing_scores": (
            _rows_of(ClosingScore.objects.filter(**mine), **_columns("id", "need_id", "score")),
            ClosingScore, lambda c: c.pk,
        ),
    }


API_LISTS = ("focus_children", "taf_members", "transitions", "assessments", "plans", "reviews")
PAGE_LISTS = ("focus_children", "taf_members", "transitions", "family_views", "family_ratings",
              "closing_scores")


def _lists_of(episode, names, row) -> None:
    """Hang the named lists of `row` (each a JSON array, as `_json_lists` reads them) on the
    episode as prefetches."""
    lists = _json_lists()
    for name in names:
        _, model, order = lists[name]
        _hang(episode, name, model, json.loads(row[f"_json_{name}"] or "[]"), order)


def hung(obj, name: str) -> list:
    """list(obj.<name>.all()): where the list is hung on `obj` (core.prepared.hang, a
    prefetch), read without making a related manager and a QuerySet – the episode page reads
    some twenty-five lists (issue 19); else from the manager, as ever."""
    cached = getattr(obj, "_prefetched_objects_cache", {}).get(name)
    if cached is not None and cached._result_cache is not None:
        return list(cached._result_cache)
    return list(getattr(obj, name).all())


def release(episode) -> None:
    """Unhang the episode's lists (and theirs) once its page is written: each hung row links
    back to its parent, so the page's rows were cyclic garbage – a few hundred objects a
    request left for the collector, whose passes cost the page more than this walk (issue 19).
    The rows are freed as the request ends; a list read after this is read afresh."""
    stack = [episode]
    while stack:
        obj = stack.pop()
        hung_lists = obj.__dict__.pop("_prefetched_objects_cache", None)
        if hung_lists:
            for listed in hung_lists.values():
                stack.extend(listed._result_cache or ())
        obj._state.fields_cache = {}


def _hang_family_ratings(episode) -> None:
    """Each family view's ratings (read with the episode as the list `family_ratings`) hung on
    it, as prefetch_related("ratings") would."""
    from earlyhelp.plans.models import FamilyRating

    views = hung(episode, "family_views")
    by_view = {view.pk: [] for view in views}
    for rating in episode._prefetched_objects_cache.pop("family_ratings"):
        by_view[rating.view_id].append(rating)
    for view in views:
        hang(view, "ratings", FamilyRating, by_view[view.pk])


def _api_lists(episode) -> dict[str, list[dict]]:
    """API_LISTS taken out of the episode's row (each a JSON array) as rows of the values the
    API writes: ids and dates as the array's own text (UUIDs with their hyphens, as the renderer
    writes them – SQLite keeps them as bare hex), times as aware datetimes, sorted as `_hang`
    sorts them. Typing each value for the JSON renderer to write it back as text cost more than
    the query (issue 19)."""
    lists = {}
    for name in API_LISTS:
        rows = json.loads(episode.pop(f"_json_{name}") or "[]")
        ids, times, order = _API_ROWS[name]
        for row in rows:
            for key in ids:
                value = row[key]
                if value is not None and len(value) == 32:  # SQLite's hex
                    row[key] = _hyphened(value)
            for key in times:
                row[key] = _aware(row[key])
        if len(rows) > 1:
            rows.sort(key=order)
        lists[name] = rows
    return lists


def _hyphened(hex_: str) -> str:
    """A UUID's 32 hex digits as str(uuid.UUID(hex_)) writes them."""
    return f"{hex_[:8]}-{hex_[8:12]}-{hex_[12:16]}-{hex_[16:20]}-{hex_[20:]}"


def _started(row) -> tuple:
    """Newest start first, then by creation (the models' order, as `_json_lists` gives it)."""
    return -dt.date.fromisoformat(row["started_on"]).toordinal(), row["created_at"]


# Per API list: its UUID columns, its times, and the order `_json_lists` gives its models, on
# the JSON rows (ISO dates sort as the dates do).
_API_ROWS = {
    "focus_children": (("id",), (), lambda p: (p["family_name"], p["given_name"], p["id"])),
    "taf_members": (("id", "user_id", "organisation_id"), (),
                    lambda m: (m["joined_on"], m["name"])),
    "transitions": (("id", "recorded_by_id"), ("created_at",),
                    lambda t: (t["date"], t["created_at"])),
    "assessments": (("id",), ("created_at",), _started),
    "plans": (("id",), ("created_at",), _started),
    "reviews": (("id",), ("created_at",), lambda r: (r["held_on"], r["created_at"])),
}


def _columns(*names) -> dict:
    return {name: name for name in names}


def _aware(text: str) -> dt.datetime:
    """A time as JSON carried it; SQLite keeps times as naive UTC text."""
    moment = parse_datetime(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _unchanged(value):
    return value


# The same ids come back in every row of a list (its parent's) and on every page (themes,
# organisations, users): each made once, not per row (UUIDs are immutable, so shared safely).
_uuid = functools.lru_cache(maxsize=4096)(uuid.UUID)


@functools.cache
def _converter(field):
    """The function turning a field's (non-null) JSON value into its Python value, as
    field.to_python does – chosen once per field: to_python's checks per value were a good part
    of turning the episode's lists into rows (issue 19). Text stays text; UUIDs (primary and
    foreign keys), dates, whole numbers and yes/no are made directly (what to_python does with
    the values JSON carries)."""
    if isinstance(field, models.DateTimeField):
        return _aware
    target = field.target_field if field.is_relation else field
    if isinstance(target, models.UUIDField):
        return _uuid
    to_python = type(target).to_python
    if to_python in (models.CharField.to_python, models.TextField.to_python):
        return _unchanged
    direct = {models.DateField.to_python: dt.date.fromisoformat,
              models.IntegerField.to_python: int, models.BooleanField.to_python: bool}
    return direct.get(to_python, field.to_python)


def _made(model, values: dict):
    """model(**values) for attnames `values` (every other field its default), without
    Model.__init__'s per-field work where it would only store them (core.prepared.plain_init)."""
    if not plain_init(model):
        return model(**values)
    obj = model.__new__(model)
    obj._state = ModelState()
    fixed, made_each_time = _defaults(model)
    state = obj.__dict__
    state.update(fixed)
    for field in made_each_time:
        if field.attname not in values:
            state[field.attname] = field.get_default()
    state.update(values)
    return obj


@functools.cache
def _defaults(model) -> tuple[dict, list]:
    """`model`'s fields' defaults as Model.__init__ gives them: the fixed ones worked out once,
    not per row (issue 19); the fields whose default is made each time (a new UUID, now)."""
    fixed, made_each_time = {}, []
    for field in model._meta.concrete_fields:
        if (field.has_default() and callable(field.default)) or field.has_db_default():
            made_each_time.append(field)
        else:
            fixed[field.attname] = field.get_default()
    return fixed, made_each_time


@functools.cache
def _list_converters(model) -> dict:
    """For `_hang`: each field's converter (`_converter`) by attname, chosen once per model."""
    return {f.attname: _converter(f) for f in model._meta.concrete_fields}


def _hang(episode, name, model, rows, order) -> None:
    """Unsaved instances of `model` from the JSON rows, sorted as the model's ordering sorts
    them, cached on the episode as a prefetch would be."""
    make = _list_maker(model, tuple(rows[0])) if rows else None
    instances = [make(row) for row in rows]
    instances.sort(key=order)
    hang(episode, name, model, instances)


@functools.cache
def _list_maker(model, keys: tuple):
    """row -> an instance of `model` (every field not in the row its default, as `_made` makes
    it) from a JSON row of `_json_lists` with these keys (one list's rows all have its keys):
    its fields converted (`_converter`: text and whole numbers as they are), a related row's
    columns (`organisation__name`) made into that row, other keys set as annotations. Worked
    out once per list, not per row (issue 19)."""
    converters = _list_converters(model)
    own = [key for key in keys if key in converters]
    read = operator.itemgetter(*own) if len(own) > 1 else lambda row: (row[own[0]],)
    converted = [(key, at, converters[key]) for at, key in enumerate(own)
                 if converters[key] is not _unchanged]  # fmt: skip
    related, annotations = [], []
    for key in keys:
        if key in converters:
            continue
        relation, _, column = key.partition("__")
        if column:  # a related row's column (the TAF member's organisation's name)
            related_model = model._meta.get_field(relation).related_model
            related.append((relation, f"{relation}_id", related_model,
                            related_model._meta.pk.attname, column, key))
        else:  # an annotation (the plan's count of open actions)
            annotations.append(key)
    plain = plain_init(model)
    fixed, made_each_time = _defaults(model)
    unread = {name: value for name, value in fixed.items() if name not in own}
    made_unread = [field for field in made_each_time if field.attname not in own]

    def make(row):
        values = read(row)
        if plain:
            obj = _saved_from(model, own, values, converted)
            state = obj.__dict__
            state.update(unread)  # the fields not in the row (none of `own`): their defaults
            for field in made_unread:
                state[field.attname] = field.get_default()
        else:  # its __init__ does more than store values: through it (`_made`)
            obj = _made(model, dict(zip(own, _converted(values, converted), strict=True)))
            obj._state.adding, obj._state.db = False, "default"
            state = obj.__dict__
        if related:
            cache = obj._state.fields_cache
            for relation, id_name, related_model, pk_name, column, key in related:
                related_id = state[id_name]
                cache[relation] = (_made(related_model, {pk_name: related_id, column: row[key]})
                                   if related_id else None)
        for key in annotations:
            state[key] = row[key]
        return obj

    return make


def episode_notes(*, user, episode: Episode) -> QuerySet:
    """Case notes of an episode already fetched through episode_detail (so in scope).

    Sensitive notes are for the roles settings.EARLYHELP_SENSITIVE_FIELDS names (early help
    staff) and the lead practitioner only."""
    from earlyhelp.access.sensitive import CASE_NOTE, may_see

    from .models import CaseNote

    notes = CaseNote.objects.filter(episode=episode).select_related("author")
    if not may_see(user, CASE_NOTE, episode=episode):
        notes = notes.filter(is_sensitive=False)
    return notes.order_by("-written_at")


# What the family record shows of its open episode and of its team, lead practitioner and
# level: the rest stays deferred (core.prepared.instance(fields=)) – converting every column of
# four rows cost more than the query (issue 19).
_OPEN_EPISODE_FIELDS = ("id", "reference", "start_date", "route_in", "status", "family_id",
                        "team_id", "lead_practitioner_id", "level_id")
_OPEN_EPISODE_SHOWS = {
    "team": ("id", "name"),
    "lead_practitioner": _USER_SHOWN,
    "level": ("id", "rank", "name"),
}


def _join_open_episode(families: QuerySet) -> QuerySet:
    # A LEFT JOIN of the household's open episode: the first by id, should there be two.
    open_episode = FilteredRelation("episodes", condition=Q(episodes__status=EpisodeStatus.OPEN))
    return families.annotate(open_episode=open_episode).order_by("open_episode__id")


# The family record's open episode, read with the family's own row (family_detail(joined=)):
# a query of its own was a round trip on PostgreSQL (issue 19).
OPEN_EPISODE = Joined(
    "open_episode",
    _join_open_episode,
    (*(f"open_episode__{name}" for name in _OPEN_EPISODE_FIELDS),
     *(f"open_episode__{name}__{column}" for name, columns in _OPEN_EPISODE_SHOWS.items()
       for column in columns)),
)  # fmt: skip


def open_episode_of(*, family) -> Episode | None:
    """The household's open episode with its team, lead practitioner and level, for the family
    record. `family` must come from people.selectors.family_detail(for_page=True,
    joined=OPEN_EPISODE): the episode's columns were read with it, in its scope."""
    row = family.joined
    if row["open_episode__id"] is None:
        return None
    episode = instance(Episode, row, "open_episode__", fields=_OPEN_EPISODE_FIELDS)
    for name, columns in _OPEN_EPISODE_SHOWS.items():
        related = Episode._meta.get_field(name).related_model
        episode._state.fields_cache[name] = instance(related, row, f"open_episode__{name}__",
                                                     fields=columns)
    return episode


def episode_for_page(*, user, episode_id, detail: str = "") -> Episode:
    """One episode in scope with its family, team and lead – for form pages; audited as a view."""
    episode = get_visible_or_404(
        visible_episodes(user).select_related("family", "team", "lead_practitioner", "level"),
        pk=episode_id,
    )
    audit.record_view(user=user, obj=episode, family_id=episode.family_id, detail=detail)
    return episode


def episode_for_work(*, user, episode_id, action: policy.Action, detail: str = "") -> Episode:
    """An episode in scope that the user may change: 404 out of scope, 403 when the policy
    refuses them this action (the pages of the episode, its assessment and its plan)."""
    episode = episode_for_page(user=user, episode_id=episode_id, detail=detail)
    policy.require(user, action, episode)
    return episode


# The focus children of an episode and the step-down page. The episode or family passed in has
# already been read through the user's scope (episode_for_work, family_for_step_down).


def family_children(*, family):
    """The household's children today: the people a step-down or a focus child may name."""
    from earlyhelp.people.models import MemberRole, Person

    return Person.objects.filter(
        memberships__family=family, memberships__role=MemberRole.CHILD,
        memberships__end_date__isnull=True,
    ).distinct().order_by("date_of_birth", "given_name")


def focus_history(*, episode) -> list[FocusChild]:
    return list(
        FocusChild.objects.filter(episode=episode).select_related("person")
        .order_by("ended_on", "started_on", "person__given_name")
    )


def children_not_in_focus(*, episode):
    current = FocusChild.objects.filter(episode=episode, ended_on__isnull=True)
    return family_children(family=episode.family).exclude(pk__in=current.values("person_id"))


def current_focus_child(*, episode, person_id):
    """A current focus child of the episode, or 404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        FocusChild.objects.select_related("person"),
        episode=episode, person_id=person_id, ended_on__isnull=True,
    ).person


def family_for_step_down(*, user, family_id):
    """The family a step-down names (None: a family new to early help); 404 when the user
    cannot see it or the id is not one."""
    if not family_id:
        return None
    family = get_visible_or_404(visible_families(user), pk=family_id)
    audit.record_view(user=user, obj=family, family_id=family.pk, detail="step-down")
    return family


def step_down_teams():
    from earlyhelp.core.models import Team

    return Team.objects.order_by("name")


def step_down_levels():
    from earlyhelp.thresholds.models import Level

    return Level.objects.filter(model__is_default=True, model__is_active=True).order_by("rank")


def episode_work_still_open(*, episode: Episode) -> dict:
    """What the episode still has running, for closure to ask about: open plan actions,
    referrals the service has not finished, a review booked, a case awaiting a panel.

    The episode was fetched through a scoped selector (or locked by a service that checked the
    policy): its referrals are the family's, visible to whoever may close it."""
    # The last review's next date, kept on the episode (cases.state); before any review the
    # column holds the first review's due date from the plan, which nobody has booked yet.
    due = episode.next_review_due
    review_booked = (due if episode.last_review_on is not None and due is not None
                     and due >= dates.today() else None)
    return {
        "actions": list(PlanAction.objects.filter(plan__episode=episode, status=ActionStatus.OPEN)
                        .order_by("due_date", "created_at")),
        "referrals": list(Referral.objects.filter(episode=episode,
                                                  status__in=OPEN_REFERRAL_STATUSES)
                          .select_related("service", "service__organisation", "person")
                          .order_by("-sent_at")),
        "review_booked": review_booked,
        "panel_cases": list(PanelCase.objects.filter(episode=episode,
                                                     status=PanelCaseStatus.AWAITING)
                            .select_related("panel")),
    }


def episode_ratings(*, user, episode: Episode, needs) -> dict:
    """The practitioner's and the family's ratings per need over time, side by side: one column
    per review, then the closure. The words of a child follow the sensitive-field rule
    (access.sensitive.CHILD_WORDS); the episode is already in the user's scope."""
    from earlyhelp.access.sensitive import CHILD_WORDS, may_see
    from earlyhelp.core.codes import Rater

    reviews = hung(episode, "reviews")
    # The family's views (with their ratings) and the closing scores come with the episode
    # (episode_detail). Views come with reviews or at closure, closing scores only at closure
    # (the closing service writes them as the episode closes).
    has_closed = not episode.is_open
    views = hung(episode, "family_views") if reviews or has_closed else []
    by_review = {v.review_id: v for v in views}
    closing = ({c.need_id: c for c in hung(episode, "closing_scores")} if has_closed
               else {})  # fmt: skip
    closing_view = by_review.get(None)
    columns = [(r.held_on, {s.need_id: s.score for s in hung(r, "scores")}, by_review.get(r.pk))
               for r in reviews]
    if closing or closing_view:
        columns.append((episode.end_date, {k: c.score for k, c in closing.items()}, closing_view))
    child_words = may_see(user, CHILD_WORDS, episode=episode)
    # Each view's ratings by need, read once (a view rates a need once)
    rated = {view.pk: {x.need_id: str(x.score) for x in hung(view, "ratings")}
             for _, _, view in columns if view is not None}  # fmt: skip

    def family_score(view, need):
        if view is None:
            return "–"
        if view.declined:
            return "Did not want to say"
        return rated[view.pk].get(need.pk, "–")

    rows = [{"need": need, "baseline": need.baseline_score,
             "cells": [(prac.get(need.pk, "–"), family_score(view, need))
                       for _, prac, view in columns]} for need in needs]
    words = [{"on": on, "rater": view.get_rater_display(), "satisfaction": view.satisfaction,
              "words": view.words if child_words or view.rater not in (
                  Rater.CHILD_UNDER_8, Rater.CHILD_8_PLUS) else None}
             for on, _, view in columns if view is not None and not view.declined]
    return {"headings": [on for on, _, _ in columns], "rows": rows, "words": words,
            "closing_index": len(reviews) if len(columns) > len(reviews) else None}


def episode_closing_needs(*, episode: Episode) -> list:
    """The needs the closing page scores – those of the episode's completed assessments, as the
    closing service scores them – each with `last_score`, the latest review's score (None before
    any review). One query; the episode is already in the user's scope."""
    from django.db.models import OuterRef, Subquery

    from earlyhelp.assessments.models import AssessmentStatus, PresentingNeed
    from earlyhelp.plans.models import ProgressScore

    latest = ProgressScore.objects.filter(need=OuterRef("pk"), review__episode=episode).order_by(
        "-review__held_on", "-review__created_at").values("score")[:1]
    return list(
        PresentingNeed.objects.filter(assessment__episode=episode,
                                      assessment__status=AssessmentStatus.COMPLETED)
        .select_related("theme", "person").annotate(last_score=Subquery(latest))
        .order_by("theme__order", "theme__name")
    )
