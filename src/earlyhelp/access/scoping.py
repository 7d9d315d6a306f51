"""Who may see which family: decided in the query, for pages, API and exports alike.

Every selector starts from one of these querysets. A record outside them is a 404 – never a 403,
which would reveal that it exists.

- partner practitioner: families they lead or sit on the Team Around the Family of – and only
  while consent to share stands (or a safeguarding override is recorded). Raising a request
  shows them that request and its decision, never the family (decision 0004);
- front door: families in any contact;
- early help worker: their team's families (and any family they lead);
- team manager: the families of every team in their service; every request for support still
  awaiting the front door's decision, and those routed to their service's teams;
- panel member (and any staff role or partner sitting on a panel): families with cases brought
  to their panels – a partner only while sharing is allowed;
- analyst and administrator: no casework (aggregates and configuration only).
"""

import threading
from collections import OrderedDict

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import Expression
from django.http import Http404

from earlyhelp.cases.models import Episode, TafMember
from earlyhelp.core import dates
from earlyhelp.core.models import Role, Team
from earlyhelp.frontdoor.models import Contact, ContactStatus, TriageDecision
from earlyhelp.panels.models import PanelCase, PanelCaseStatus, PanelMember
from earlyhelp.people.models import (
    Consent,
    ConsentKind,
    ConsentStatus,
    Family,
    Membership,
    Person,
    SharingOverride,
)


class _FamilySQL(Expression):
    """A condition on one family-id column, written as SQL once (issue 19).

    The same test as the ORM expressions it replaces, but Django no longer clones, resolves and
    compiles five nested subqueries in every query of a page: the column is compiled, the rest
    is a string. The inner tables carry aliases of their own (`eh_s…`), so they can never
    shadow the outer query's aliases whatever nests the scope. `render(connection, column)`
    returns (sql, params); with several fields, `render(connection, *columns)`."""

    conditional = True

    def __init__(self, family_field, render, key):
        super().__init__(output_field=BooleanField())
        fields = (family_field,) if isinstance(family_field, str) else tuple(family_field)
        self.columns = [F(field) for field in fields]
        self.render = render
        self.key = key

    @property
    def identity(self):
        return (type(self), self.key, *self.columns)

    def get_source_expressions(self):
        return list(self.columns)

    def set_source_expressions(self, exprs):
        self.columns = list(exprs)

    def as_sql(self, compiler, connection):
        columns = []
        for column in self.columns:
            sql, params = compiler.compile(column)
            if params:  # a column is a name; a parameter here would be bound out of order
                raise ValueError(f"scope column with parameters: {sql}")
            columns.append(sql)
        return self.render(connection, *columns)


def _table(model) -> str:
    return model._meta.db_table


def _sharing_allowed_sql(today):
    """`sharing_allowed` as SQL: a current member's latest decision on sharing is 'given' and
    none is refused or withdrawn, or a safeguarding override is in force."""

    def render(connection, column):
        q = connection.ops.quote_name
        day = connection.ops.adapt_datefield_value(today)
        latest = (
            f"(SELECT eh_sc.{q('status')} FROM {q(_table(Consent))} eh_sc"
            f" WHERE eh_sc.{q('person_id')} = eh_sm.{q('person_id')} AND eh_sc.{q('kind')} = %s"
            f" ORDER BY eh_sc.{q('recorded_at')} DESC, eh_sc.{q('id')} DESC LIMIT 1)"
        )
        current = (
            f"SELECT 1 FROM {q(_table(Membership))} eh_sm WHERE eh_sm.{q('family_id')} = {column}"
            f" AND (eh_sm.{q('end_date')} IS NULL OR eh_sm.{q('end_date')} >= %s)"
            f" AND eh_sm.{q('start_date')} <= %s"
        )
        sql = (
            f"((EXISTS({current} AND {latest} = %s)"
            f" AND NOT EXISTS({current} AND {latest} IN (%s, %s)))"
            f" OR EXISTS(SELECT 1 FROM {q(_table(SharingOverride))} eh_so"
            f" WHERE eh_so.{q('family_id')} = {column}"
            f" AND (eh_so.{q('ends_on')} IS NULL OR eh_so.{q('ends_on')} >= %s)))"
        )
        params = (
            day, day, ConsentKind.SHARE.value, ConsentStatus.GIVEN.value,
            day, day, ConsentKind.SHARE.value,
            ConsentStatus.REFUSED.value, ConsentStatus.WITHDRAWN.value,
            day,
        )  # fmt: skip
        return sql, params

    return render


def _created_and_not_yet_routed_sql(user_pk):
    """`Family.created_by` is the user and the family is not routed yet: no episode, and no
    request about it decided."""

    def render(connection, column):
        q = connection.ops.quote_name
        creator = Family._meta.get_field("created_by").get_db_prep_value(user_pk, connection)
        contact, decision = _table(Contact), _table(TriageDecision)
        sql = (
            f"EXISTS(SELECT 1 FROM {q(_table(Family))} eh_sf WHERE eh_sf.{q('id')} = {column}"
            f" AND eh_sf.{q('created_by_id')} = %s"
            f" AND NOT EXISTS(SELECT 1 FROM {q(_table(Episode))} eh_se"
            f" WHERE eh_se.{q('family_id')} = eh_sf.{q('id')})"
            f" AND NOT EXISTS(SELECT 1 FROM {q(contact)} eh_sk INNER JOIN {q(decision)} eh_sd"
            f" ON eh_sd.{q('contact_id')} = eh_sk.{q('id')}"
            f" WHERE eh_sk.{q('family_id')} = eh_sf.{q('id')}))"
        )
        return sql, (creator,)

    return render


def sharing_allowed(family_field: str) -> Q:
    """The family in `family_field` may be shared with partners: consent to share stands (a
    current member's latest decision is 'given' and none is refused or withdrawn), or a
    safeguarding override is in force. Correlated (index probes per family), so it costs per
    row that reaches it – a partner's few families, not the borough (issue 19)."""
    today = dates.today()
    return Q(_FamilySQL(family_field, _sharing_allowed_sql(today), ("sharing", today)))


def _prep(model, field: str, value, connection):
    """A value as the database stores `model.field` (UUIDs differ between backends)."""
    return model._meta.get_field(field).get_db_prep_value(value, connection)


def _episode_exists_sql(*tests):
    """Any episode of the family passes one of `tests` ((column, value) on the episode, or
    ("service", id) through its team): a correlated EXISTS, one index probe for one record and
    per row for lists that other filters have already narrowed."""

    def render(connection, column):
        q = connection.ops.quote_name
        join, conditions, params = "", [], []
        for name, value in tests:
            if name == "service":
                join = (f" INNER JOIN {q(_table(Team))} eh_et"
                        f" ON eh_et.{q('id')} = eh_se.{q('team_id')}")  # fmt: skip
                conditions.append(f"eh_et.{q('service_id')} = %s")
                params.append(_prep(Team, "service", value, connection))
            else:
                conditions.append(f"eh_se.{q(name + '_id')} = %s")
                params.append(_prep(Episode, name, value, connection))
        sql = (
            f"EXISTS(SELECT 1 FROM {q(_table(Episode))} eh_se{join}"
            f" WHERE eh_se.{q('family_id')} = {column} AND ({' OR '.join(conditions)}))"
        )
        return sql, tuple(params)

    return render


def _worker_condition(user):
    tests = [("lead_practitioner", user.pk)]
    if user.team_id:
        tests.append(("team", user.team_id))
    return _episode_exists_sql(*tests)


def _manager_condition(user):
    if not user.team_id:
        return _episode_exists_sql(("lead_practitioner", user.pk))
    service_id = user.team.service_id
    if service_id is None:
        return _episode_exists_sql(("team", user.team_id))
    return _episode_exists_sql(("service", service_id))


def _front_door_condition(user):
    def render(connection, column):
        q = connection.ops.quote_name
        return (f"EXISTS(SELECT 1 FROM {q(_table(Contact))} eh_sk"
                f" WHERE eh_sk.{q('family_id')} = {column})"), ()  # fmt: skip

    return render


def _panel_ids_sql(user):
    """Families with cases (not withdrawn) on the panels the user currently sits on, as SQL."""

    def render(connection):
        q = connection.ops.quote_name
        sql = (
            f"SELECT eh_pc.{q('family_id')} FROM {q(_table(PanelCase))} eh_pc"
            f" WHERE eh_pc.{q('panel_id')} IN (SELECT eh_pm.{q('panel_id')}"
            f" FROM {q(_table(PanelMember))} eh_pm WHERE eh_pm.{q('user_id')} = %s"
            f" AND eh_pm.{q('left_on')} IS NULL) AND NOT (eh_pc.{q('status')} = %s)"
        )
        return sql, (_prep(PanelMember, "user", user.pk, connection),
                     PanelCaseStatus.WITHDRAWN.value)  # fmt: skip

    return render


def _partner_ids_sql(user):
    """_partner_family_ids as SQL: one UNION of small indexed sets – episodes led, each current
    TAF place's family by a primary-key probe (as a join, PostgreSQL hashed the whole episode
    table for a partner's few hundred places), and the panels' families."""
    panels = _panel_ids_sql(user)

    def render(connection):
        q = connection.ops.quote_name
        user_id = _prep(Episode, "lead_practitioner", user.pk, connection)
        panel_sql, panel_params = panels(connection)
        sql = (
            f"SELECT eh_pe.{q('family_id')} FROM {q(_table(Episode))} eh_pe"
            f" WHERE eh_pe.{q('lead_practitioner_id')} = %s"
            f" UNION SELECT (SELECT eh_pf.{q('family_id')} FROM {q(_table(Episode))} eh_pf"
            f" WHERE eh_pf.{q('id')} = eh_pt.{q('episode_id')})"
            f" FROM {q(_table(TafMember))} eh_pt"
            f" WHERE eh_pt.{q('user_id')} = %s AND eh_pt.{q('left_on')} IS NULL"
            f" UNION {panel_sql}"
        )
        return sql, (user_id, _prep(TafMember, "user", user.pk, connection), *panel_params)

    return render


def _partner_probe_sql(user):
    """_partner_ids_sql as a test of one family: correlated EXISTS (an episode of the family the
    partner leads; a current TAF place on one of its episodes; a case of it on one of their
    panels), each an index probe from the family. For queries whose rows are already few (the
    start page's counts of the partner's own work): PostgreSQL hashes an IN over the UNION, so
    the whole ~600-family set was built to check a dozen rows; an EXISTS it may probe per row
    (issue 19). Same families as _partner_ids_sql."""

    def render(connection, column):
        q = connection.ops.quote_name
        episode, taf = q(_table(Episode)), q(_table(TafMember))
        case, member = q(_table(PanelCase)), q(_table(PanelMember))
        sql = (
            f"(EXISTS(SELECT 1 FROM {episode} eh_pe WHERE eh_pe.{q('family_id')} = {column}"
            f" AND eh_pe.{q('lead_practitioner_id')} = %s)"
            f" OR EXISTS(SELECT 1 FROM {episode} eh_pf INNER JOIN {taf} eh_pt"
            f" ON eh_pt.{q('episode_id')} = eh_pf.{q('id')}"
            f" WHERE eh_pf.{q('family_id')} = {column}"
            f" AND eh_pt.{q('user_id')} = %s AND eh_pt.{q('left_on')} IS NULL)"
            f" OR EXISTS(SELECT 1 FROM {case} eh_pc INNER JOIN {member} eh_pm"
            f" ON eh_pm.{q('panel_id')} = eh_pc.{q('panel_id')}"
            f" WHERE eh_pc.{q('family_id')} = {column}"
            f" AND eh_pm.{q('user_id')} = %s AND eh_pm.{q('left_on')} IS NULL"
            f" AND NOT (eh_pc.{q('status')} = %s)))"
        )
        return sql, (_prep(Episode, "lead_practitioner", user.pk, connection),
                     _prep(TafMember, "user", user.pk, connection),
                     _prep(PanelMember, "user", user.pk, connection),
                     PanelCaseStatus.WITHDRAWN.value)  # fmt: skip

    return render


def _in_ids(ids):
    """The column is one of the family ids the SQL `ids(connection)` lists."""

    def render(connection, column):
        sql, params = ids(connection)
        return f"{column} IN ({sql})", params

    return render


def _partner_condition(user, probe=False):
    """The partner's families (one IN over one UNION, reached by index; with `probe`, tested
    per row – _partner_probe_sql) while sharing is allowed – checked per row that is one of
    them, so a page about a few records does not check the consent of every family the partner
    works with (issue 19)."""
    ids = _partner_probe_sql(user) if probe else _in_ids(_partner_ids_sql(user))
    sharing = _sharing_allowed_sql(dates.today())

    def render(connection, column):
        ids_sql, ids_params = ids(connection, column)
        sharing_sql, sharing_params = sharing(connection, column)
        return f"({ids_sql} AND {sharing_sql})", (*ids_params, *sharing_params)

    return render


def _created_and_not_yet_routed(user):
    """Whoever records a family sees it until it is routed – until a request about it is
    decided or an episode opens – so it can be stepped down or referred in the next move.

    Correlated (one primary-key probe per row): a list of the families someone recorded would
    be read through `created_by`, which SQLite will not use where most families have none."""
    return _created_and_not_yet_routed_sql(user.pk)


# A panel member (any staff role) sees the families with cases brought to their panels; a
# partner on a panel (police, school, health) sees its cases only with consent – in the
# partner's own condition, with their other families.
_PANEL_SCOPES = {
    Role.PANEL_MEMBER: _panel_ids_sql,
    Role.WORKER: _panel_ids_sql,
    Role.MANAGER: _panel_ids_sql,
    Role.FRONT_DOOR: _panel_ids_sql,
}

# Each role's condition: a render of SQL on the family column (see _FamilySQL).
_ROLE_CONDITIONS = {
    Role.PARTNER: _partner_condition,
    Role.WORKER: _worker_condition,
    Role.MANAGER: _manager_condition,
    Role.FRONT_DOOR: _front_door_condition,
}


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


# Scopes built once and reused (issue 19): composing the nested subqueries cost more than
# running them. The SQL is unchanged – access is still decided in the query, every time – only
# the Python objects describing it are kept, per thread (never shared while compiling), keyed
# on everything the scope reads from the user and the day. Callers get a clone (`.all()`), so
# a cached queryset is never evaluated or altered.
_built = threading.local()
_BUILT_MAX = 256


def _scope_key(user, *what) -> tuple:
    service_id = user.team.service_id if user.role == Role.MANAGER and user.team_id else None
    return (user.pk, user.role, user.team_id, service_id, dates.today(), *what)


def scope_key(user) -> tuple:
    """Everything a user's scope reads from the user and the day: two users with equal keys
    have the same scope SQL and parameters (for caches of compiled scoped queries)."""
    return _scope_key(user)


def _reuse(key, build):
    store = getattr(_built, "store", None)
    if store is None:
        store = _built.store = OrderedDict()
    if key in store:
        store.move_to_end(key)
        return store[key]
    value = store[key] = build()
    if len(store) > _BUILT_MAX:
        store.popitem(last=False)
    return value


def forget_built_scopes() -> None:
    """Build every scope afresh (benchmarks measure a cold start with it)."""
    _built.store = OrderedDict()


def family_condition(user, family_field: str = "id", *, probe: bool = False) -> Q | None:
    """The user's scope as a condition on a family-id field (None: no casework at all).
    `probe=True` where other filters leave few rows (see visible_episodes)."""
    if not _active(user):
        return None
    probed = ("probe",) if probe and user.role == Role.PARTNER else ()
    render = _reuse(_scope_key(user, "render", *probed),
                    lambda: _family_condition(user, bool(probed)))  # fmt: skip
    if render is None:
        return None
    return Q(_FamilySQL(family_field, render, ("scope", *_scope_key(user, *probed))))


def _family_condition(user, probe=False):
    """The role's scope as one piece of SQL on the family column: its shape is fixed by the
    role (and whether the user has a team and service), the user's ids are parameters. Django
    compiles only the column, so checking one record costs its primary-key probe and this test
    (issue 19). `probe`: a partner's families tested per row (_partner_probe_sql)."""
    parts = []
    if user.role == Role.PARTNER:
        parts.append(_partner_condition(user, probe))
        parts.append(_created_and_not_yet_routed(user))
    elif user.role in _ROLE_CONDITIONS:
        parts.append(_ROLE_CONDITIONS[user.role](user))
        parts.append(_created_and_not_yet_routed(user))
    if user.role in _PANEL_SCOPES:
        parts.append(_in_ids(_PANEL_SCOPES[user.role](user)))
    if not parts:
        return None
    return _any_of(parts)


def _any_of(parts):
    """The renders OR-ed, in order (the database may stop at the first that holds)."""

    def render(connection, *columns):
        sqls, params = [], []
        for part in parts:
            sql, more = part(connection, *columns)
            sqls.append(sql)
            params.extend(more)
        return "(" + " OR ".join(sqls) + ")", tuple(params)

    return render


def _scoped(model, user, family_field: str) -> QuerySet:
    condition = family_condition(user, family_field)
    if condition is None:
        return model.objects.none()
    key = _scope_key(user, model, family_field)
    return _reuse(key, lambda: model.objects.filter(condition)).all()


def visible_families(user) -> QuerySet[Family]:
    return _scoped(Family, user, "id")


def visible_family_ids(user):
    return visible_families(user).values("id")


def _own_episode_condition(user):
    """The worker's or manager's condition (_worker_condition, _manager_condition) on the
    episode row itself rather than on any episode of its family: a render over its lead
    practitioner and team columns. Implied by the family condition – such an episode's family
    is in scope – so the rows are the same; tested first, it answers most rows of their episode
    lists (and one episode's page) without the per-family check, which PostgreSQL otherwise
    builds over every episode of the service (issue 19)."""
    if user.role == Role.WORKER:
        tests = [("lead", user.pk)] + ([("team", user.team_id)] if user.team_id else [])
    elif user.role != Role.MANAGER:
        return None
    elif not user.team_id:
        tests = [("lead", user.pk)]
    elif user.team.service_id is None:
        tests = [("team", user.team_id)]
    else:
        tests = [("service", user.team.service_id)]

    def render(connection, lead, team):
        q = connection.ops.quote_name
        conditions, params = [], []
        for name, value in tests:
            if name == "lead":
                conditions.append(f"{lead} = %s")
                params.append(_prep(Episode, "lead_practitioner", value, connection))
            elif name == "team":
                conditions.append(f"{team} = %s")
                params.append(_prep(Episode, "team", value, connection))
            else:
                conditions.append(f"{team} IN (SELECT eh_ot.{q('id')} FROM {q(_table(Team))} eh_ot"
                                  f" WHERE eh_ot.{q('service_id')} = %s)")  # fmt: skip
                params.append(_prep(Team, "service", value, connection))
        return "(" + " OR ".join(conditions) + ")", tuple(params)

    return render


def visible_episodes(user, *, probe: bool = False) -> QuerySet[Episode]:
    """The user's episodes. `probe=True` for a query that other filters narrow to a few rows
    (the user's own actions, the episodes they lead): the same rows, but a partner's families
    are tested per row rather than listed whole (_partner_probe_sql) – on a list of many
    episodes, leave it off."""
    if not _active(user):
        return Episode.objects.none()
    probe = probe and user.role == Role.PARTNER  # the other roles' scopes are the same either way
    probed = ("probe",) if probe else ()
    family = _reuse(_scope_key(user, "render", *probed), lambda: _family_condition(user, probe))
    if family is None:
        return Episode.objects.none()

    def build():
        own = _own_episode_condition(user)
        if own is None:
            key = ("scope", *_scope_key(user, *probed))
            return Episode.objects.filter(_FamilySQL("family_id", family, key))

        def render(connection, family_column, lead, team):
            own_sql, own_params = own(connection, lead, team)
            family_sql, family_params = family(connection, family_column)
            return f"({own_sql} OR {family_sql})", (*own_params, *family_params)

        columns = ("family_id", "lead_practitioner_id", "team_id")
        return Episode.objects.filter(_FamilySQL(columns, render, ("episodes", *_scope_key(user))))

    return _reuse(_scope_key(user, Episode, "family_id", *probed), build).all()


def visible_people(user) -> QuerySet[Person]:
    condition = family_condition(user, "family_id")
    if condition is None:
        return Person.objects.none()
    def build():
        memberships = Membership.objects.filter(condition, person_id=OuterRef("id"))
        return Person.objects.filter(Exists(memberships))

    return _reuse(_scope_key(user, Person), build).all()


def visible_contacts(user) -> QuerySet[Contact]:
    if not _active(user):
        return Contact.objects.none()
    if user.role == Role.FRONT_DOOR:
        return Contact.objects.all()
    return _reuse(_scope_key(user, Contact), lambda: _visible_contacts(user)).all()


def _visible_contacts(user) -> QuerySet[Contact]:
    condition = family_condition(user, "family_id") or Q(pk__in=[])
    if user.role == Role.PARTNER:
        # Their own requests first: the database tests conditions in order, so a list of
        # requests they raised never builds the family set at all.
        condition = Q(referrer_user=user) | condition
    elif user.role == Role.MANAGER and user.team_id:
        # A team manager triages and answers for the service's front door: every request still
        # waiting for a decision (a family new to early help is in no team's scope yet), and the
        # decided ones routed to any team of their service.
        service_id = user.team.service_id
        routed = (Q(decision__routed_team__service_id=service_id) if service_id
                  else Q(decision__routed_team_id=user.team_id))
        condition |= Q(status=ContactStatus.AWAITING_DECISION) | routed
    elif user.role == Role.WORKER and user.team_id:
        condition |= Q(decision__routed_team_id=user.team_id)
    return Contact.objects.filter(condition)


def visible_contacts_awaiting(user) -> QuerySet[Contact]:
    """The visible requests still awaiting a decision. A front door practitioner's or team
    manager's scope holds every such request (_visible_contacts), so theirs is the plain filter:
    the same rows without a family condition that PostgreSQL would plan for nothing (issue 19)."""
    awaiting = Q(status=ContactStatus.AWAITING_DECISION)
    if _active(user) and (user.role == Role.FRONT_DOOR
                          or (user.role == Role.MANAGER and user.team_id)):  # fmt: skip
        return Contact.objects.filter(awaiting)
    return visible_contacts(user).filter(awaiting)


def own_requests(user) -> QuerySet[Contact]:
    """The visible requests the user raised. A partner's scope holds every request they raised
    (_visible_contacts), so theirs is the plain filter – the same rows without the family
    condition (issue 19); anyone else's go through their scope."""
    if _active(user) and user.role == Role.PARTNER:
        return Contact.objects.filter(referrer_user=user)
    return visible_contacts(user).filter(referrer_user=user)


def get_visible_or_404(queryset: QuerySet, **lookup):
    """Fetch one record from an already-scoped queryset; out of scope, missing and malformed ids
    (a bad UUID raises ValidationError) all look the same."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404("Not found") from exc
