"""The sections about what the partnership did beyond the episode: panels, referrals to
services and targeting findings."""

from django.db.models import Q

from earlyhelp.directory.models import Referral
from earlyhelp.panels.models import PanelCase
from earlyhelp.targeting.models import CohortFamily

from .report import Section, Table, show


def panels(episode_ids) -> Section:
    cases = (
        PanelCase.objects.filter(episode_id__in=episode_ids)
        .select_related("panel", "episode", "meeting")
        .prefetch_related("decisions", "actions")
        .order_by("created_at")
    )
    rows, decisions, actions = [], [], []
    for case in cases:
        rows.append([
            case.episode.reference, case.panel.name, show(case.created_at),
            "; ".join(case.reason_labels()), case.detail, case.get_status_display(),
            show(case.meeting.date) if case.meeting_id else "",
        ])
        decisions += [
            [case.episode.reference, case.panel.name, show(d.decided_on), d.get_kind_display(),
             d.rationale]
            for d in case.decisions.all()
        ]
        actions += [
            [case.episode.reference, a.description, show(a.due_date),
             a.get_status_display()]
            for a in case.actions.all()
        ]
    return Section(
        "Panels",
        intro="Times the household's episode was brought to a multi-agency panel, what the "
        "panel decided and the actions it set.",
        tables=[
            ("Cases brought", Table(["Episode", "Panel", "Brought", "Why", "Detail", "Status",
                                     "Meeting"], rows)),
            ("Decisions", Table(["Episode", "Panel", "Decided", "Decision", "Reasons"],
                                decisions)),
            ("Actions", Table(["Episode", "Action", "Due", "Status"], actions)),
        ],
    )


def referrals(person, episode_ids) -> Section:
    referrals = (
        Referral.objects.filter(Q(person=person) | Q(person__isnull=True,
                                                     episode_id__in=episode_ids))
        .select_related("service__organisation", "episode")
        .order_by("sent_at")
    )
    return Section(
        "Referrals to services",
        intro="Referrals made for this person, or for their whole household.",
        tables=[(
            "",
            Table(
                ["Reference", "Episode", "Service", "Provider", "For", "Sent", "Reason",
                 "Status", "Latest note", "Started", "Finished"],
                [
                    [r.reference, r.episode.reference, r.service.name,
                     r.service.organisation.name,
                     "This person" if r.person_id else "The whole household",
                     show(r.sent_at), r.reason, r.get_status_display(), r.status_note,
                     show(r.started_on), show(r.finished_on)]
                    for r in referrals
                ],
            ),
        )],
    )


def targeting(family_ids) -> Section:
    wanted = {str(f) for f in family_ids}
    match = Q(pk__in=[])
    for family_id in wanted:  # a JSON list of ids: matched as text, then checked exactly
        match |= Q(earlyhelp_family_ids__icontains=family_id)
    rows = []
    for cohort in (
        CohortFamily.objects.filter(match).select_related("run", "criteria_set")
        .order_by("run_id", "id")
    ):
        if not wanted & {str(f) for f in cohort.earlyhelp_family_ids or []}:
            continue
        rows.append([
            show(cohort.run.created_at), cohort.criteria_set.name,
            ", ".join(str(c) for c in cohort.criteria_met), show(cohort.eligible),
            show(cohort.known_to_early_help), show(cohort.known_to_social_care),
        ])
    return Section(
        "Targeting (finding families who may need help)",
        intro="Times an analysis of agency records found the household meeting criteria "
        "(e.g. Supporting Families). The records behind each finding are in that run's "
        "evidence file.",
        tables=[(
            "",
            Table(["Run", "Criteria set", "Criteria met", "Meets the set",
                   "Known to early help", "Known to social care"], rows),
        )],
    )
