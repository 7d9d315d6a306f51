"""The rows of a drill-down list, named (for a manager) or pseudonymised (for an analyst).

Pseudonymised rows carry no names, addresses or free text: the record's reference, the children's
Child Unique IDs (as in Annex A) and the dates, codes and teams the figure was counted from.
"""

from __future__ import annotations

from django.urls import reverse

from .annexa import child_unique_id

YES_NO = {True: "Yes", False: "No", None: ""}


def _ids(people) -> str:
    return ", ".join(sorted(child_unique_id(p.pk, p.local_id) for p in people))


def _names(people) -> str:
    return ", ".join(sorted(p.full_name for p in people))


def _subjects(contact):
    return [link.person for link in getattr(contact, "subjects", [])]


def _meets(record, meets: str):
    return YES_NO.get(getattr(record, meets, None)) if meets else None


def table(record_list, records) -> tuple[list[str], list[list]]:
    """Headers and rows for `records` (an iterable slice of record_list.visible)."""
    kind = record_list.section.kind
    named = record_list.named
    meets = record_list.section.meets
    headers, make = KINDS[kind]
    heads = list(headers(named))
    # Days open only means something for the open caseload's lists.
    days = "days_open" in record_list.section.queryset.query.annotations
    if kind == "episode" and not days:
        heads.remove("Days open")
    if meets:
        heads.append("Counted as meeting the measure")
    rows = []
    for record in records:
        row = make(record, named)
        if kind == "episode" and not days:
            row.pop()
        if meets:
            row.append(_meets(record, meets))
        rows.append(row)
    return heads, rows


def _who(named, family, people):
    """Named: the family and the children's names. Pseudonymised: the Child Unique IDs only."""
    if named:
        return [family.name if family else "", _names(people)]
    return [_ids(people)]


def _who_heads(named, first: str):
    return [first, "Family", "Children"] if named else [first, "Child Unique IDs"]


def _assessment_heads(named):
    return [*_who_heads(named, "Episode"), "Started", "Completed", "Completing organisation",
            "Team"]


def _assessment(a, named):
    e = a.episode
    return [e.reference, *_who(named, e.family, e.focus_children.all()), a.started_on,
            a.completed_on, a.completing_organisation.name, e.team.name]


def _episode_heads(named):
    return [*_who_heads(named, "Episode"), "Started", "Ended", "Route in", "Level of need",
            "Closure outcome", "Team", "Days open"]


def _episode(e, named):
    return [e.reference, *_who(named, e.family, e.focus_children.all()), e.start_date, e.end_date,
            e.get_route_in_display(), e.level.name if e.level else "",
            e.get_closure_outcome_display(), e.team.name, getattr(e, "days_open", None)]


def _contact_heads(named):
    return [*_who_heads(named, "Contact"), "Received", "Referral source", "Priority", "Status",
            "Re-referral"]


def _contact(c, named):
    return [c.reference, *_who(named, c.family, _subjects(c)), c.received_at,
            c.get_source_display(), c.get_priority_display(), c.get_status_display(),
            YES_NO[c.is_re_referral]]


def _decision_heads(named):
    return [*_who_heads(named, "Contact"), "Received", "Decided", "Outcome", "RAG", "Team"]


def _decision(d, named):
    c = d.contact
    return [c.reference, *_who(named, c.family, _subjects(c)), c.received_at, d.decided_at,
            d.get_outcome_display(), d.get_rag_display(),
            d.routed_team.name if d.routed_team else ""]


def _review_heads(named):
    return [*_who_heads(named, "Episode"), "Review held", "Next review due", "Team"]


def _review(r, named):
    e = r.episode
    return [e.reference, *_who(named, e.family, e.focus_children.all()), r.held_on,
            r.next_review_due, e.team.name]


def _need_heads(named):
    heads = ["Episode", "Need theme", "Baseline score", "Last score", "Change", "Closed"]
    if named:
        heads[1:1] = ["Family", "Person"]
    return heads


def _need(n, named):
    e = n.assessment.episode
    row = [e.reference, n.theme.name, n.baseline_score, getattr(n, "final_score", None),
           getattr(n, "change", None), e.end_date]
    if named:
        row[1:1] = [e.family.name, n.person.full_name if n.person else ""]
    return row


def _transition_heads(named):
    return [*_who_heads(named, "Episode"), "Stepped up on", "Social care reference", "Team"]


def _transition(t, named):
    e = t.episode
    return [e.reference, *_who(named, t.family, e.focus_children.all()), t.date,
            t.social_care_reference if named else "", e.team.name]


KINDS = {
    "assessment": (_assessment_heads, _assessment),
    "episode": (_episode_heads, _episode),
    "contact": (_contact_heads, _contact),
    "decision": (_decision_heads, _decision),
    "review": (_review_heads, _review),
    "need": (_need_heads, _need),
    "transition": (_transition_heads, _transition),
}


# The record a row opens: requests for support open their own page, everything else its episode.
_EPISODE_OF = {
    "assessment": lambda a: a.episode_id,
    "episode": lambda e: e.pk,
    "review": lambda r: r.episode_id,
    "need": lambda n: n.assessment.episode_id,
    "transition": lambda t: t.episode_id,
}


def record_path(kind: str, record) -> str:
    """The address of the page that opens the record a row was counted from."""
    if kind == "contact":
        return reverse("web:contact_detail", args=[record.pk])
    if kind == "decision":
        return reverse("web:contact_detail", args=[record.contact_id])
    return reverse("web:episode_detail", args=[_EPISODE_OF[kind](record)])
