"""The sections about the person's own record and their households' casework: personal
details, households, consent, requests for support, episodes, assessments, plans, reviews, case
notes and information shared without consent."""

from django.db.models import Q

from earlyhelp.assessments.models import Assessment
from earlyhelp.cases.models import CaseNote, Episode
from earlyhelp.frontdoor.models import Contact
from earlyhelp.people.models import Consent, Membership, SharingOverride
from earlyhelp.plans.models import Plan, Review

from .report import Section, Table, show


def personal_details(person) -> Section:
    return Section(
        "Personal details",
        facts=[
            ("Name", person.full_name),
            ("Other names", person.other_names),
            ("Known as", person.known_as),
            ("Date of birth", show(person.date_of_birth)),
            ("Expected date of birth", show(person.expected_date_of_birth)),
            ("Sex", person.get_sex_display()),
            ("Ethnicity", person.get_ethnicity_display()),
            ("Disabilities", ", ".join(person.disabilities or [])),
            ("NHS number", person.nhs_number),
            ("Unique pupil number", person.upn),
            ("Local ID", person.local_id),
            ("Sensitive notes", person.sensitive_notes),
            ("Record created", show(person.created_at)),
            ("Record last changed", show(person.modified_at)),
        ],
    )


def household_memberships(person) -> list:
    """The person's memberships of households, oldest first (whose records the file covers)."""
    return list(
        Membership.objects.filter(person=person).select_related("family").order_by("start_date")
    )


def households(memberships) -> Section:
    return Section(
        "Households",
        tables=[
            (
                "",
                Table(
                    ["Household", "Address", "Role", "Relationship", "From", "To"],
                    [
                        [
                            m.family.name,
                            ", ".join(
                                filter(
                                    None,
                                    [m.family.address_line_1, m.family.town, m.family.postcode],
                                )
                            ),
                            m.get_role_display(),
                            m.relationship,
                            show(m.start_date),
                            show(m.end_date),
                        ]
                        for m in memberships
                    ],
                ),
            )
        ],
    )


def consent_decisions(person) -> Section:
    consents = (
        Consent.objects.filter(person=person)
        .select_related("recorded_by")
        .order_by("recorded_at", "id")
    )
    return Section(
        "Consent decisions",
        intro="Every decision recorded, oldest first. Earlier decisions are never changed.",
        tables=[
            (
                "",
                Table(
                    [
                        "Decided on",
                        "Kind",
                        "Decision",
                        "Scope",
                        "Given by",
                        "Recorded by",
                        "Recorded at",
                    ],
                    [
                        [
                            show(c.decided_on),
                            c.get_kind_display(),
                            c.get_status_display(),
                            c.scope,
                            c.given_by,
                            str(c.recorded_by or ""),
                            show(c.recorded_at),
                        ]
                        for c in consents
                    ],
                ),
            )
        ],
    )


def requests_for_support(person, family_ids) -> Section:
    contacts = (
        Contact.objects.filter(Q(contact_people__person=person) | Q(family_id__in=family_ids))
        .distinct()
        .select_related("referrer_organisation", "decision__level")
        .order_by("received_at")
    )
    rows = []
    for c in contacts:
        decision = getattr(c, "decision", None)
        rows.append(
            [
                c.reference,
                show(c.received_at),
                c.referrer_name,
                str(c.referrer_organisation or ""),
                c.concerns,
                decision.get_outcome_display() if decision else c.get_status_display(),
                decision.level.name if decision else "",
                decision.rationale if decision else "",
            ]
        )
    return Section(
        "Requests for support",
        tables=[
            (
                "",
                Table(
                    [
                        "Reference",
                        "Received",
                        "From",
                        "Organisation",
                        "Concerns",
                        "Decision",
                        "Level of need",
                        "Reasons",
                    ],
                    rows,
                ),
            )
        ],
    )


def household_episodes(family_ids) -> list:
    """The early help episodes of the person's households, oldest first."""
    return list(
        Episode.objects.filter(family_id__in=family_ids)
        .select_related("family", "team", "lead_practitioner")
        .order_by("start_date")
    )


def early_help_episodes(episodes) -> Section:
    return Section(
        "Early help episodes",
        tables=[
            (
                "",
                Table(
                    [
                        "Reference",
                        "Household",
                        "Started",
                        "Ended",
                        "Team",
                        "Lead practitioner",
                        "Outcome",
                        "Closure summary",
                    ],
                    [
                        [
                            e.reference,
                            e.family.name,
                            show(e.start_date),
                            show(e.end_date),
                            e.team.name,
                            str(e.lead_practitioner or ""),
                            e.get_closure_outcome_display(),
                            e.closure_summary,
                        ]
                        for e in episodes
                    ],
                ),
            )
        ],
    )


def assessments(person, episode_ids) -> Section:
    assessment_tables = []
    for a in (
        Assessment.objects.filter(episode_id__in=episode_ids)
        .select_related("episode", "completing_organisation")
        .prefetch_related("entries", "presenting_needs__theme")
        .order_by("started_on")
    ):
        facts = Table(
            ["Item", "Recorded"],
            [
                ["Episode", a.episode.reference],
                ["Started", show(a.started_on)],
                ["Completed", show(a.completed_on)],
                ["By", str(a.completing_organisation)],
                ["Voice of the child", a.voice_of_child],
                ["Family's view", a.family_view],
                ["Summary", a.summary],
            ],
        )
        entries = [
            [e.get_domain_display(), e.needs, e.strengths]
            for e in a.entries.all()
            if e.person_id == person.pk
        ]
        needs = [
            [n.theme.name, n.cin_factor, n.description, n.baseline_score]
            for n in a.presenting_needs.all()
            if n.person_id in (None, person.pk)
        ]
        assessment_tables.append((f"Assessment started {show(a.started_on)}", facts))
        if entries:
            assessment_tables.append(
                (
                    "Needs and strengths recorded about this person",
                    Table(["Domain", "Needs", "Strengths"], entries),
                )
            )
        if needs:
            assessment_tables.append(
                (
                    "Presenting needs",
                    Table(["Theme", "CIN factor", "Description", "Score at assessment"], needs),
                )
            )
    return Section("Early help assessments", tables=assessment_tables)


def plans(episode_ids) -> Section:
    plan_rows = []
    for plan in (
        Plan.objects.filter(episode_id__in=episode_ids)
        .prefetch_related("outcomes", "actions")
        .select_related("episode")
        .order_by("started_on")
    ):
        for outcome in plan.outcomes.all():
            plan_rows.append([plan.episode.reference, "Outcome", outcome.text, "", ""])
        for action in plan.actions.all():
            plan_rows.append(
                [
                    plan.episode.reference,
                    "Action",
                    action.description,
                    show(action.due_date),
                    action.get_status_display(),
                ]
            )
    return Section(
        "Plans", tables=[("", Table(["Episode", "Kind", "Text", "Due", "Status"], plan_rows))]
    )


def reviews(episode_ids) -> Section:
    reviews = Review.objects.filter(episode_id__in=episode_ids).select_related("episode")
    return Section(
        "Reviews",
        tables=[
            (
                "",
                Table(
                    ["Episode", "Held on", "Attendees", "Summary", "Family's view"],
                    [
                        [
                            r.episode.reference,
                            show(r.held_on),
                            r.attendees.replace("\n", "; "),
                            r.summary,
                            r.family_view,
                        ]
                        for r in reviews.order_by("held_on")
                    ],
                ),
            )
        ],
    )


def case_notes(episode_ids) -> Section:
    notes = (
        CaseNote.objects.filter(episode_id__in=episode_ids)
        .select_related("episode", "author")
        .order_by("written_at")
    )
    return Section(
        "Case notes",
        intro="Notes about the household. They may mention other people: "
        "review before release.",
        tables=[
            (
                "",
                Table(
                    ["Episode", "Written", "By", "Subject", "Note", "Sensitive"],
                    [
                        [
                            n.episode.reference,
                            show(n.written_at),
                            str(n.author),
                            n.subject,
                            n.text,
                            show(n.is_sensitive),
                        ]
                        for n in notes
                    ],
                ),
            )
        ],
    )


def shared_without_consent(family_ids) -> Section:
    overrides = SharingOverride.objects.filter(family_id__in=family_ids).select_related(
        "recorded_by", "family"
    )
    return Section(
        "Information shared without consent (safeguarding)",
        tables=[
            (
                "",
                Table(
                    ["Household", "Recorded", "By", "Reason", "Until"],
                    [
                        [
                            o.family.name,
                            show(o.recorded_at),
                            str(o.recorded_by),
                            o.reason,
                            show(o.ends_on),
                        ]
                        for o in overrides.order_by("recorded_at")
                    ],
                ),
            )
        ],
    )
