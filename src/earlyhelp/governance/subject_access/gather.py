"""Subject access requests: everything held about one person, as a readable file.

`collect(person)` gathers the person's record, households, consent history, requests for
support, the early help episodes of their households (assessments, plans, reviews, case
notes), safeguarding overrides, and every audit row about them or their households – who
looked at or changed what, and when. `render_markdown` / `render_html` write it out.

Case notes and household records mention other people: the Data Protection Officer reviews
the file and redacts third-party information before it is released (the file says so).
Panels (cases, decisions, actions), referrals to services and targeting findings have their
own sections; other apps may add more with `register_section`.
"""

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from earlyhelp.core.models import AuditEvent


@dataclass
class Table:
    headers: list[str]
    rows: list[list]


@dataclass
class Section:
    title: str
    intro: str = ""
    facts: list[tuple[str, object]] = field(default_factory=list)
    tables: list[tuple[str, Table]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.facts) + sum(len(t.rows) for _, t in self.tables)


@dataclass
class Report:
    person_name: str
    person_id: str
    made_at: dt.datetime
    sections: list[Section]

    @property
    def record_count(self) -> int:
        return sum(s.count for s in self.sections if s.title != AUDIT_TITLE)

    @property
    def audit_count(self) -> int:
        return sum(s.count for s in self.sections if s.title == AUDIT_TITLE)


AUDIT_TITLE = "Who has looked at or changed these records"
EXTRA_SECTIONS: list[Callable] = []


def register_section(builder: Callable) -> None:
    """Add a section from another app: builder(person, family_ids) -> Section | None."""
    EXTRA_SECTIONS.append(builder)


def _d(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value)
        return f"{local.day} {local:%B %Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def collect(person) -> Report:
    from earlyhelp.assessments.models import Assessment
    from earlyhelp.cases.models import CaseNote, Episode
    from earlyhelp.frontdoor.models import Contact
    from earlyhelp.people.models import Consent, Membership, SharingOverride
    from earlyhelp.plans.models import Plan, Review

    sections = []
    sections.append(
        Section(
            "Personal details",
            facts=[
                ("Name", person.full_name),
                ("Other names", person.other_names),
                ("Known as", person.known_as),
                ("Date of birth", _d(person.date_of_birth)),
                ("Expected date of birth", _d(person.expected_date_of_birth)),
                ("Sex", person.get_sex_display()),
                ("Ethnicity", person.get_ethnicity_display()),
                ("Disabilities", ", ".join(person.disabilities or [])),
                ("NHS number", person.nhs_number),
                ("Unique pupil number", person.upn),
                ("Local ID", person.local_id),
                ("Sensitive notes", person.sensitive_notes),
                ("Record created", _d(person.created_at)),
                ("Record last changed", _d(person.modified_at)),
            ],
        )
    )

    memberships = list(
        Membership.objects.filter(person=person).select_related("family").order_by("start_date")
    )
    family_ids = sorted({m.family_id for m in memberships}, key=str)
    sections.append(
        Section(
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
                                _d(m.start_date),
                                _d(m.end_date),
                            ]
                            for m in memberships
                        ],
                    ),
                )
            ],
        )
    )

    consents = (
        Consent.objects.filter(person=person)
        .select_related("recorded_by")
        .order_by("recorded_at", "id")
    )
    sections.append(
        Section(
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
                                _d(c.decided_on),
                                c.get_kind_display(),
                                c.get_status_display(),
                                c.scope,
                                c.given_by,
                                str(c.recorded_by or ""),
                                _d(c.recorded_at),
                            ]
                            for c in consents
                        ],
                    ),
                )
            ],
        )
    )

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
                _d(c.received_at),
                c.referrer_name,
                str(c.referrer_organisation or ""),
                c.concerns,
                decision.get_outcome_display() if decision else c.get_status_display(),
                decision.level.name if decision else "",
                decision.rationale if decision else "",
            ]
        )
    sections.append(
        Section(
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
    )

    episodes = list(
        Episode.objects.filter(family_id__in=family_ids)
        .select_related("family", "team", "lead_practitioner")
        .order_by("start_date")
    )
    episode_ids = [e.pk for e in episodes]
    sections.append(
        Section(
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
                                _d(e.start_date),
                                _d(e.end_date),
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
    )

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
                ["Started", _d(a.started_on)],
                ["Completed", _d(a.completed_on)],
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
        assessment_tables.append((f"Assessment started {_d(a.started_on)}", facts))
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
    sections.append(Section("Early help assessments", tables=assessment_tables))

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
                    _d(action.due_date),
                    action.get_status_display(),
                ]
            )
    sections.append(
        Section(
            "Plans", tables=[("", Table(["Episode", "Kind", "Text", "Due", "Status"], plan_rows))]
        )
    )

    reviews = Review.objects.filter(episode_id__in=episode_ids).select_related("episode")
    sections.append(
        Section(
            "Reviews",
            tables=[
                (
                    "",
                    Table(
                        ["Episode", "Held on", "Attendees", "Summary", "Family's view"],
                        [
                            [
                                r.episode.reference,
                                _d(r.held_on),
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
    )

    notes = (
        CaseNote.objects.filter(episode_id__in=episode_ids)
        .select_related("episode", "author")
        .order_by("written_at")
    )
    sections.append(
        Section(
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
                                _d(n.written_at),
                                str(n.author),
                                n.subject,
                                n.text,
                                _d(n.is_sensitive),
                            ]
                            for n in notes
                        ],
                    ),
                )
            ],
        )
    )

    overrides = SharingOverride.objects.filter(family_id__in=family_ids).select_related(
        "recorded_by", "family"
    )
    sections.append(
        Section(
            "Information shared without consent (safeguarding)",
            tables=[
                (
                    "",
                    Table(
                        ["Household", "Recorded", "By", "Reason", "Until"],
                        [
                            [
                                o.family.name,
                                _d(o.recorded_at),
                                str(o.recorded_by),
                                o.reason,
                                _d(o.ends_on),
                            ]
                            for o in overrides.order_by("recorded_at")
                        ],
                    ),
                )
            ],
        )
    )

    sections += [
        _panel_section(episode_ids),
        _referral_section(person, episode_ids),
        _targeting_section(family_ids),
    ]

    for builder in EXTRA_SECTIONS:
        extra = builder(person, family_ids)
        if extra is not None:
            sections.append(extra)

    events = (
        AuditEvent.objects.filter(
            Q(person_id=person.pk) | Q(family_id__in=family_ids) | Q(object_id=str(person.pk))
        )
        .select_related("user")
        .order_by("at", "id")
    )
    sections.append(
        Section(
            AUDIT_TITLE,
            intro="Every time someone viewed, searched, exported, created, changed or shared these "
            "records (times in UTC).",
            tables=[
                (
                    "",
                    Table(
                        [
                            "When (UTC)",
                            "Who",
                            "Role",
                            "What they did",
                            "Record",
                            "Details",
                            "Reason given",
                        ],
                        [
                            [
                                _utc(e.at),
                                e.user.display_name if e.user_id else (e.username or "system"),
                                e.user.get_role_display() if e.user_id else "",
                                e.get_action_display(),
                                e.object_type,
                                e.detail,
                                e.reason,
                            ]
                            for e in events
                        ],
                    ),
                )
            ],
        )
    )
    return Report(person.full_name, str(person.pk), timezone.now(), sections)


def _panel_section(episode_ids) -> Section:
    from earlyhelp.panels.models import PanelCase

    cases = (
        PanelCase.objects.filter(episode_id__in=episode_ids)
        .select_related("panel", "episode", "meeting")
        .prefetch_related("decisions", "actions")
        .order_by("created_at")
    )
    rows, decisions, actions = [], [], []
    for case in cases:
        rows.append([
            case.episode.reference, case.panel.name, _d(case.created_at),
            "; ".join(case.reason_labels()), case.detail, case.get_status_display(),
            _d(case.meeting.date) if case.meeting_id else "",
        ])
        decisions += [
            [case.episode.reference, case.panel.name, _d(d.decided_on), d.get_kind_display(),
             d.rationale]
            for d in case.decisions.all()
        ]
        actions += [
            [case.episode.reference, a.description, _d(a.due_date),
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


def _referral_section(person, episode_ids) -> Section:
    from earlyhelp.directory.models import Referral

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
                     _d(r.sent_at), r.reason, r.get_status_display(), r.status_note,
                     _d(r.started_on), _d(r.finished_on)]
                    for r in referrals
                ],
            ),
        )],
    )


def _targeting_section(family_ids) -> Section:
    from earlyhelp.targeting.models import CohortFamily

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
            _d(cohort.run.created_at), cohort.criteria_set.name,
            ", ".join(str(c) for c in cohort.criteria_met), _d(cohort.eligible),
            _d(cohort.known_to_early_help), _d(cohort.known_to_social_care),
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


# --- rendering -----------------------------------------------------------------------------------


def _md_cell(value) -> str:
    return str(value if value is not None else "").replace("|", "\\|").replace("\n", "<br>")


def render_markdown(report: Report) -> str:
    lines = [
        f"# Subject access request: {report.person_name}",
        "",
        f"Everything earlyhelp holds about {report.person_name} (person id {report.person_id}),"
        f" made {_utc(report.made_at)}.",
        "",
        "Before release the Data Protection Officer reviews this file and redacts information "
        "about other people.",
        "",
    ]
    for section in report.sections:
        lines += [f"## {section.title}", ""]
        if section.intro:
            lines += [section.intro, ""]
        if section.facts:
            lines += [
                f"- **{label}:** {_md_cell(value)}"
                for label, value in section.facts
                if value not in (None, "")
            ]
            lines.append("")
        for caption, table in section.tables:
            if caption:
                lines += [f"### {caption}", ""]
            if not table.rows:
                lines += ["None recorded.", ""]
                continue
            lines.append("| " + " | ".join(table.headers) + " |")
            lines.append("|" + "---|" * len(table.headers))
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
            lines.append("")
        if not section.facts and not section.tables:
            lines += ["None recorded.", ""]
    return "\n".join(lines)


def render_html(report: Report) -> str:
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Subject access request: {e(report.person_name)}</title>",
        "<style>body{font-family:Arial,sans-serif;margin:2em;max-width:75em}"
        "table{border-collapse:collapse;margin-bottom:1.5em}"
        "th,td{border:1px solid #b1b4b6;padding:.3em .5em;text-align:left;vertical-align:top}"
        "th{background:#f3f2f1}</style></head><body>",
        f"<h1>Subject access request: {e(report.person_name)}</h1>",
        f"<p>Everything earlyhelp holds about {e(report.person_name)} (person id "
        f"{e(report.person_id)}), made {e(_utc(report.made_at))}.</p>",
        "<p>Before release the Data Protection Officer reviews this file and redacts "
        "information about other people.</p>",
    ]
    for section in report.sections:
        out.append(f"<h2>{e(section.title)}</h2>")
        if section.intro:
            out.append(f"<p>{e(section.intro)}</p>")
        if section.facts:
            out.append("<dl>")
            for label, value in section.facts:
                if value not in (None, ""):
                    out.append(f"<dt><strong>{e(label)}</strong></dt><dd>{e(str(value))}</dd>")
            out.append("</dl>")
        for caption, table in section.tables:
            if caption:
                out.append(f"<h3>{e(caption)}</h3>")
            if not table.rows:
                out.append("<p>None recorded.</p>")
                continue
            out.append("<table><thead><tr>")
            out += [f'<th scope="col">{e(h)}</th>' for h in table.headers]
            out.append("</tr></thead><tbody>")
            for row in table.rows:
                out.append(
                    "<tr>"
                    + "".join(f"<td>{e(str(c if c is not None else ''))}</td>" for c in row)
                    + "</tr>"
                )
            out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out)
