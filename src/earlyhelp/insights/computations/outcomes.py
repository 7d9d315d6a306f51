"""Outcome indicators: closures and their outcomes, needs met, re-referrals, later step-ups."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q

from earlyhelp.cases.models import ClosureOutcome, Episode, EpisodeStatus, TransitionKind
from earlyhelp.frontdoor.models import TriageOutcome
from earlyhelp.people.models import Membership

from ..dbfuncs import AddMonths
from ..models import Unit
from ..registry import Part, Result, Section, Spec, bucketed, in_period, percent, register
from .bases import ALL_DIMENSIONS, CONTACTS, EPISODES, STEP_UP_DECISIONS, STEP_UP_TRANSITIONS
from .flow import PartSpec, flow_indicator

OTHER_OUTCOMES = [ClosureOutcome.DISENGAGED, ClosureOutcome.MOVED_AWAY, ClosureOutcome.OTHER]
CLOSURE_PARTS = (
    PartSpec("needs_met", "Needs met", Q(closure_outcome=ClosureOutcome.NEEDS_MET), "outcome"),
    PartSpec("stepped_up", "Stepped up to children's social care",
             Q(closure_outcome=ClosureOutcome.STEPPED_UP), "outcome"),
    PartSpec("other", "Other (disengaged, moved away, other)",
             Q(closure_outcome__in=OTHER_OUTCOMES), "outcome"),
    *(PartSpec(f"outcome_{value}", label, Q(closure_outcome=value), "detail")
      for value, label in ClosureOutcome.choices if value in OTHER_OUTCOMES),
)

flow_indicator(
    code="closures", unit=Unit.COUNT, base=EPISODES, date_field="end_date",
    where=Q(status=EpisodeStatus.CLOSED), parts=CLOSURE_PARTS, kind="episode",
    title="Early help episodes closed",
)

flow_indicator(
    code="needs_met_rate", unit=Unit.PERCENT, base=EPISODES, date_field="end_date",
    where=Q(status=EpisodeStatus.CLOSED), numerator=Q(closure_outcome=ClosureOutcome.NEEDS_MET),
    kind="episode", title="Early help episodes closed (needs met count)",
)

flow_indicator(
    code="re_referral_rate", unit=Unit.PERCENT, base=CONTACTS, date_field="received_at",
    is_datetime=True, numerator=Q(is_re_referral=True), kind="contact",
    title="Contacts received (re-referrals count)",
)


def _step_ups_spec():
    """Step-ups to children's social care in the period that came within 12 months of an early
    help closure (a closure that was not itself a step-up): through the front door (a re-referral
    triaged as a step-up), or from a new early help episode stepped up."""

    def decisions(ctx):
        return STEP_UP_DECISIONS.queryset(ctx).filter(
            outcome=TriageOutcome.STEP_UP, contact__re_referral_of__isnull=False,
        ).exclude(contact__re_referral_of__closure_outcome=ClosureOutcome.STEPPED_UP)

    def transitions(ctx):
        # An early help closure of the same household, or of any household that shares a member
        # with it (a child living in two households keeps their history). Written as two EXISTS
        # that each follow an index: household → its members → their households → episodes.
        # The re-referral definition (frontdoor.rules.RE_REFERRAL): closed on or after the same
        # day twelve calendar months before.
        months = settings.EARLYHELP_RE_REFERRAL_MONTHS

        def closed_within_a_year(**where):
            return Episode.objects.filter(
                status=EpisodeStatus.CLOSED, end_date__lte=OuterRef("date"),
                end_date__gte=AddMonths(OuterRef("date"), -months), **where,
            ).exclude(closure_outcome=ClosureOutcome.STEPPED_UP).exclude(pk=OuterRef("episode"))

        # Three levels down (transition → episode → households → members): three OuterRefs.
        members = Membership.objects.filter(
            family=OuterRef(OuterRef(OuterRef("family")))
        ).values("person")
        linked = Membership.objects.filter(person__in=members).values("family")
        return STEP_UP_TRANSITIONS.queryset(ctx).filter(kind=TransitionKind.STEP_UP).filter(
            Exists(closed_within_a_year(family=OuterRef("family")))
            | Exists(closed_within_a_year(family__in=linked))
        )

    def compute(ctx, periods, by=None):
        front_door = bucketed(decisions(ctx), periods, "decided_at", {"n": Count("pk")},
                              STEP_UP_DECISIONS.group_path(by), datetime=True)
        episodes = bucketed(transitions(ctx), periods, "date", {"n": Count("pk")},
                            STEP_UP_TRANSITIONS.group_path(by))
        out = {}
        last = len(periods) - 1
        for group in set(front_door) | set(episodes):
            out[group] = {}
            for i, period in enumerate(periods):
                at_door = front_door.get(group, {}).get(i, {}).get("n", 0)
                from_episode = episodes.get(group, {}).get(i, {}).get("n", 0)
                total = at_door + from_episode
                result = Result(value=total, numerator=total)
                if i == last:
                    result.parts = [
                        Part("front_door", "Through the front door", at_door,
                             percent(at_door, total), "route"),
                        Part("episode", "From a new early help episode", from_episode,
                             percent(from_episode, total), "route"),
                    ]
                out[group][period.key] = result
        return out

    def records(ctx, period, part=None):
        sections = []
        if part in (None, "front_door"):
            sections.append(Section(
                "decision", "Stepped up at the front door",
                decisions(ctx).filter(in_period(period, "decided_at", datetime=True))
                .order_by("-decided_at"),
            ))
        if part in (None, "episode"):
            sections.append(Section(
                "transition", "Stepped up from an early help episode",
                transitions(ctx).filter(in_period(period, "date")).order_by("-date"),
            ))
        return sections

    register(Spec("step_ups_after_closure", Unit.COUNT, compute, records, ALL_DIMENSIONS))


_step_ups_spec()

