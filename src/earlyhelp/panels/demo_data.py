"""The demo borough's panels: a multi-agency group, a locality early help forum and an early
years allocation panel, with members from several agencies and fortnightly meetings.

Call `load_demo_panels()` after the borough's users exist; with `bring_stuck=True` (after the
casework exists) it also runs the stuck-case detection so the next agendas are filled.
Does nothing if panels already exist.
"""

import datetime as dt

from django.db import transaction

from earlyhelp.core import dates
from earlyhelp.core.models import Locality, Organisation, OrganisationType, Role, User

from .models import Meeting, MeetingStatus, Panel, PanelKind, PanelMember, PanelRole


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
    for offset, (name, kind, description, locality, low, high, stuck, members) in enumerate(specs):
        panel = Panel.objects.create(
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
            PanelMember.objects.create(
                panel=panel, user=user, role=role, joined_on=today - dt.timedelta(days=365)
            )
        # Fortnightly: two held, four to come; each panel on its own weekday.
        start = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=offset + 1)
        for week in range(-4, 8, 2):
            date = start + dt.timedelta(weeks=week)
            Meeting.objects.create(
                panel=panel,
                date=date,
                venue=f"{borough} Family Hub, meeting room {offset + 1}",
                status=MeetingStatus.HELD if date < today else MeetingStatus.SCHEDULED,
            )
            meetings += 1
    brought = 0
    if bring_stuck:
        from .services import detect_stuck_cases

        brought = len(detect_stuck_cases(today=today).brought)
    return {"panels": panels, "meetings": meetings, "brought": brought}
