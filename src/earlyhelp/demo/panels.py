"""The demo borough's panels: a multi-agency group, a locality early help forum and an early
years allocation panel, with members from several agencies and fortnightly meetings.

Call `load_demo_panels()` after the borough's users exist; with `bring_stuck=True` (after the
casework exists) it also runs the stuck-case detection so the next agendas are filled.
With casework present, each past meeting discussed two families and recorded its decisions
(and the first logged a need no service meets), so case pages and the unmet need report show
history. Does nothing if panels already exist. Everything is made through the panels' own
services (a handful of rows, audited like any other), so a meeting is held only as the services
allow.
"""

import datetime as dt

from django.db import transaction

from earlyhelp.core import dates
from earlyhelp.core.models import Locality, Organisation, OrganisationType, Role, User
from earlyhelp.panels.models import DecisionKind, Panel, PanelKind, PanelMember, PanelRole
from earlyhelp.panels.services.actions import panel_action_add
from earlyhelp.panels.services.cases import panel_case_bring
from earlyhelp.panels.services.decisions import decision_record
from earlyhelp.panels.services.detection import detect_stuck_cases
from earlyhelp.panels.services.meetings import meeting_mark_held, meeting_schedule
from earlyhelp.panels.services.panel_setup import panel_create, panel_member_add
from earlyhelp.panels.services.unmet_need import unmet_need_record


def _user(**filters):
    return User.objects.filter(is_active=True, **filters).order_by("username").first()


def _partner_of(org_type=None, name_contains=""):
    users = User.objects.filter(is_active=True, role=Role.PARTNER)
    if org_type:
        users = users.filter(organisation__type=org_type)
    if name_contains:
        users = users.filter(organisation__name__icontains=name_contains)
    return users.order_by("username").first()


@transaction.atomic
def load_demo_panels(*, today: dt.date | None = None, bring_stuck: bool = False) -> dict:
    if Panel.objects.exists():
        return {"panels": 0, "meetings": 0, "brought": 0}
    today = today or dates.today()
    council = (
        Organisation.objects.filter(
            is_council=True, type=OrganisationType.COUNCIL_TEAM, name__endswith=" Council"
        )
        .order_by("created_at")
        .first()
    )
    borough = council.name.removesuffix(" Council") if council else "Kingsmead"
    first_locality = Locality.objects.order_by("name").first()
    chair = _user(role=Role.PANEL_MEMBER)
    managers = {
        m.team.age_focus: m
        for m in User.objects.filter(
            role=Role.MANAGER, is_active=True, team__isnull=False
        ).select_related("team")
    }
    specs = [
        (
            f"{borough} Multi-Agency Group",
            PanelKind.MULTI_AGENCY_GROUP,
            "Meets fortnightly to unblock stuck cases across the borough: no lead practitioner, "
            "no progress, declined referrals.",
            None,
            None,
            None,
            True,
            [
                (chair, PanelRole.CHAIR),
                (managers.get("intensive"), PanelRole.MEMBER),
                (managers.get("5-18"), PanelRole.MEMBER),
                (_partner_of(OrganisationType.POLICE), PanelRole.MEMBER),
                (_partner_of(name_contains="School Nursing"), PanelRole.MEMBER),
                (_partner_of(OrganisationType.SCHOOL), PanelRole.MEMBER),
                (_partner_of(OrganisationType.VOLUNTARY), PanelRole.MEMBER),
            ],
        ),
        (
            f"{first_locality.name if first_locality else borough} Early Help Forum",
            PanelKind.EARLY_HELP_FORUM,
            "Local practitioners agree who leads and what is offered for families in the area.",
            first_locality,
            None,
            None,
            True,
            [
                (managers.get("5-18"), PanelRole.CHAIR),
                (chair, PanelRole.MEMBER),
                (_partner_of(OrganisationType.SCHOOL), PanelRole.MEMBER),
                (_partner_of(OrganisationType.CHILDRENS_CENTRE), PanelRole.MEMBER),
                (_partner_of(OrganisationType.HOUSING), PanelRole.MEMBER),
            ],
        ),
        (
            "Early Years Allocation Panel",
            PanelKind.EARLY_YEARS_ALLOCATION,
            "Allocates a lead practitioner for families with children under five where none is "
            "obvious (health visitor, children's centre or the 0-5 team).",
            None,
            0,
            4,
            True,
            [
                (managers.get("0-5"), PanelRole.CHAIR),
                (chair, PanelRole.MEMBER),
                (_partner_of(name_contains="Health Visiting"), PanelRole.MEMBER),
                (_partner_of(OrganisationType.CHILDRENS_CENTRE), PanelRole.MEMBER),
            ],
        ),
    ]
    panels, meetings = 0, 0
    used = set()  # episodes already discussed at a past meeting
    for offset, (name, kind, description, locality, low, high, stuck, members) in enumerate(specs):
        panel = panel_create(
            acting_user=None,
            name=name,
            kind=kind,
            description=description,
            locality=locality,
            minimum_age=low,
            maximum_age=high,
            takes_stuck_cases=stuck,
        )
        panels += 1
        seen = set()
        for user, role in members:
            if user is None or user.pk in seen:
                continue
            seen.add(user.pk)
            panel_member_add(
                panel=panel,
                user=user,
                role=role,
                joined_on=today - dt.timedelta(days=365),
                acting_user=None,
            )
        # Fortnightly: two held, four to come; each panel on its own weekday.
        start = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=offset + 1)
        for week in range(-4, 8, 2):
            date = start + dt.timedelta(weeks=week)
            meeting = meeting_schedule(
                panel=panel,
                date=date,
                venue=f"{borough} Family Hub, meeting room {offset + 1}",
                acting_user=None,
            )
            if date < today:
                if bring_stuck:  # the casework exists: the meeting discussed families
                    past_agenda(panel, meeting, chair_of(panel), used, first=week == -4)
                meeting_mark_held(meeting=meeting, acting_user=None)
            meetings += 1
    brought = 0
    if bring_stuck:
        brought = len(detect_stuck_cases(today=today).brought)
    return {"panels": panels, "meetings": meetings, "brought": brought}


PAST_DECISIONS = [
    "Progress since the last review is slow but real: school attendance up to 88%. Continue the "
    "plan; the lead practitioner to chase the housing referral.",
    "The family have re-engaged after the change of worker. Continue; review at the next "
    "Team Around the Family meeting.",
    "Mum has started with the domestic abuse service. Continue the plan with the school "
    "nurse added to the Team Around the Family.",
    "Parenting course finished; needs around the younger child remain. Continue, with a "
    "health visitor contact before the next review.",
]


def chair_of(panel):
    member = (
        PanelMember.objects.filter(panel=panel, role=PanelRole.CHAIR).select_related("user").first()
    )
    return member.user if member else None


def past_agenda(panel, meeting, chair, used: set, *, first: bool) -> None:
    """Two families discussed at a past meeting, each with a decision and an action."""
    from earlyhelp.cases.models import Episode

    if chair is None:
        return
    brought_on = meeting.date - dt.timedelta(days=7)
    episodes = (
        Episode.objects.filter(
            status="open", lead_practitioner__isnull=False, start_date__lte=brought_on,
            panel_cases__isnull=True,
        )
        .exclude(pk__in=used)
        .select_related("lead_practitioner", "family")
        .order_by("start_date", "reference")[:2]
    )
    for n, episode in enumerate(episodes):
        used.add(episode.pk)
        case = panel_case_bring(
            panel=panel, episode=episode, acting_user=chair, meeting=meeting, today=brought_on,
            detail="Brought by the lead practitioner: the plan has stalled and the family want "
            "to know what else can be offered.",
        )
        decision_record(
            panel_case=case, kind=DecisionKind.CONTINUE, acting_user=chair,
            decided_on=meeting.date,
            rationale=PAST_DECISIONS[(len(used) + n) % len(PAST_DECISIONS)],
        )
        if episode.lead_practitioner.is_active:
            panel_action_add(
                panel_case=case, description="Report back on the referral's progress",
                owner=episode.lead_practitioner, due_date=meeting.date + dt.timedelta(days=28),
                acting_user=chair,
            )
        if first and n == 0:
            unmet_need_record(
                panel=panel, meeting=meeting, panel_case=case, acting_user=chair,
                recorded_on=meeting.date, age_group="11-15", families_affected=3,
                description="No local group for teenage young carers in the evenings: the only "
                "group meets at 3pm on weekdays, during school.",
            )
