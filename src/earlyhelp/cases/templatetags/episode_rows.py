"""The episode page's repeated rows (assessments, plan actions, reviews, ratings, case notes,
referrals, TAF members, transitions, outcomes) and its chart, each drawn by one tag as the
template's loops and includes drew it, byte for byte: their loops, variable lookups and
filters per row were most of the page's rendering (issue 19). Text is escaped as the template
escapes it (Django's escape is html.escape); cases/tests/test_episode_rows.py
compares every row with the template markup it replaces.

    {% load episode_rows %}  {% assessment_rows assessments %}
"""

from html import escape

from django import template
from django.template.defaultfilters import truncatechars
from django.utils import timezone

from earlyhelp.cases.selectors import hung
from earlyhelp.web.escaping import conditional as conditional_escape
from earlyhelp.web.escaping import safe as mark_safe
from earlyhelp.web.escaping import text_lines
from earlyhelp.web.templatetags.govuk import (
    cached_tag,
    displayed,
    govuk_date,
    local_datetime_text,
)
from earlyhelp.web.templatetags.journey import allows
from earlyhelp.web.views.base import url_maker

register = template.Library()

_CELL = '<td class="govuk-table__cell">{}</td>'


def _row(*cells, header: str = "") -> str:
    """A table row of these cells' markup (after a row header's, if any)."""
    return f'<tr class="govuk-table__row">{header}{"".join(_CELL.format(c) for c in cells)}</tr>'


def _drawn(parts) -> str:
    return mark_safe("".join(parts))


@register.simple_tag
def assessment_rows(assessments) -> str:
    """The assessments table's body rows."""
    link = url_maker("web:assessment")

    def draw(a):
        needs = "<br>".join(f"{escape(n.theme.name)} ({n.baseline_score})"
                            for n in hung(a, "presenting_needs")) or "None yet"  # fmt: skip
        completed = (govuk_date(a.completed_on) if a.completed_on
                     else cached_tag("In progress", "light-blue"))  # fmt: skip
        started = f'<a class="govuk-link" href="{link(a.pk)}">{govuk_date(a.started_on)}</a>'
        return _row(started, completed, escape(a.completing_organisation.name), needs)

    return _drawn(map(draw, assessments))


@register.simple_tag
def action_rows(actions, *, plan, can_work: bool, today) -> str:
    """The plan's actions table's body rows, each open one with its "Mark as done" link where
    the user may work on the episode and the plan and the action allow it."""
    done_link = url_maker("web:plan_action_done")
    plan_editable = can_work and allows(plan, "edit")

    def status(a):
        if a.status == "done":
            done = f'<br><span class="govuk-body-s">{govuk_date(a.completed_on)}</span>'
            return cached_tag("Done", "green") + (done if a.completed_on else "")
        if a.status == "cancelled":
            return cached_tag("Cancelled", "grey")
        tag = cached_tag("Past due", "red") if a.due_date < today else cached_tag("Open", "blue")
        if not (plan_editable and allows(a, "complete")):
            return tag
        return (f'{tag}<br><a class="govuk-link" href="{done_link(a.pk)}">Mark as done'
                f'<span class="govuk-visually-hidden">: '
                f"{escape(truncatechars(a.description, 40))}</span></a>")  # fmt: skip

    return _drawn(_row(escape(a.description), escape(a.owner_name), govuk_date(a.due_date),
                       status(a)) for a in actions)  # fmt: skip


@register.simple_tag
def review_blocks(reviews) -> str:
    """Each review's heading, summary, the family's view and who attended."""

    def draw(n, r):
        summary = (f'<p class="govuk-body app-pre-wrap">{escape(r.summary)}</p>'
                   if r.summary else "")  # fmt: skip
        view = (f"<p class=\"govuk-body\"><strong>The family's view:</strong> "
                f"{escape(r.family_view)}</p>" if r.family_view else "")  # fmt: skip
        due = f"<br>Next review due {govuk_date(r.next_review_due)}" if r.next_review_due else ""
        return (
            f'\n<h3 class="govuk-heading-s">Review {n}: {govuk_date(r.held_on)}</h3>\n'
            f"{summary}\n{view}\n"
            f'<p class="govuk-body-s">Attended: {text_lines(r.attendees)}{due}</p>\n'
        )

    return _drawn(draw(n, r) for n, r in enumerate(reviews, start=1))


@register.simple_tag
def rating_rows(ratings) -> str:
    """The ratings table's body rows: per need, the baseline, then each column's practitioner
    and family scores."""
    return _drawn(
        _row(escape(str(row["baseline"])),
             *(f"{escape(str(prac))} / {escape(str(fam))}" for prac, fam in row["cells"]),
             header='<th scope="row" class="govuk-table__header">'
                    f"{escape(row['need'].theme.name)}</th>")
        for row in ratings["rows"]
    )  # fmt: skip


@register.simple_tag
def note_items(notes) -> str:
    """The newest case notes' list items."""
    zone = timezone.get_current_timezone()  # govuk_datetime's, looked up once

    def written(at):
        return local_datetime_text(at.astimezone(zone) if timezone.is_aware(at) else at)

    return _drawn(
        f"<li><strong>{escape(n.subject)}</strong>"
        f"{' ' + cached_tag('Sensitive', 'orange') if n.is_sensitive else ''}<br>"
        f'<span class="govuk-body-s">{written(n.written_at)}, '
        f"{escape(n.author.display_name)}</span></li>"
        for n in notes
    )


# directory/_status.html's colour for each referral status (any other: purple)
_STATUS_COLOURS = {"sent": "blue", "accepted": "turquoise", "started": "green",
                   "declined": "red", "withdrawn": "grey"}


@register.simple_tag
def referral_rows(referrals) -> str:
    """The referrals table's body rows, each status tagged as directory/_status.html tags it."""
    link = url_maker("directory:referral")

    def draw(r):
        service, organisation = escape(r.service.name), r.service.organisation
        if organisation:
            service += f'<br><span class="govuk-body-s">{escape(organisation.name)}</span>'
        # the included template's own last line break after the tag
        status = f'{cached_tag(displayed(r, "status"), _STATUS_COLOURS.get(r.status, "purple"))}\n'
        return _row(f'<a class="govuk-link" href="{link(r.pk)}">{escape(r.reference)}</a>',
                    service, escape(r.person.full_name) if r.person else "Whole family",
                    govuk_date(r.sent_at), status)

    return _drawn(map(draw, referrals))


_NUMERIC = " govuk-table__header--numeric"


@register.simple_tag
def chart_figure(chart) -> str:
    """includes/chart.html as the episode page includes it (no heading, the data table shown),
    byte for byte: its loops over the table were a good part of the page's rendering."""
    head = "".join(f'<th scope="col" class="govuk-table__header{_NUMERIC if n else ""}">'
                   f"{conditional_escape(cell)}</th>"
                   for n, cell in enumerate(chart.table_head))  # fmt: skip
    rows = "".join(
        '\n      <tr class="govuk-table__row">\n        <th scope="row" '
        f'class="govuk-table__header">{conditional_escape(label)}</th>\n        '
        + "".join('<td class="govuk-table__cell govuk-table__cell--numeric">'
                  f"{conditional_escape(cell)}</td>" for cell in cells)
        + "\n      </tr>\n      "
        for label, cells in chart.table_rows
    )  # fmt: skip
    return mark_safe(
        f'\n<figure class="app-chart">\n  \n  <div class="app-chart__picture">'
        f"{conditional_escape(chart.svg)}</div>\n  \n"
        '  <table class="govuk-table app-chart__table">\n'
        '    <caption class="govuk-table__caption govuk-table__caption--s">'
        f"{conditional_escape(chart.title)}: data</caption>\n"
        '    <thead class="govuk-table__head">\n      <tr class="govuk-table__row">\n'
        f"        {head}\n      </tr>\n    </thead>\n"
        f'    <tbody class="govuk-table__body">\n      {rows}\n    </tbody>\n  </table>\n'
        "  \n</figure>\n"
    )


@register.simple_tag
def taf_rows(members) -> str:
    """The Team Around the Family table's body rows."""

    def draw(m):
        organisation = m.organisation
        who = escape(organisation.name or "") if organisation else ""
        if m.role:
            who += f"{', ' if organisation else ''}{escape(m.role)}"
        left = f" (left {govuk_date(m.left_on)})" if m.left_on else ""
        return _row(escape(m.name), who, f"{govuk_date(m.joined_on)}{left}")

    return _drawn(map(draw, members))


@register.simple_tag
def transition_insets(transitions) -> str:
    """Each step up or down of the episode, in an inset."""
    return _drawn(
        f'\n<div class="govuk-inset-text">{escape(displayed(t, "kind"))} on '
        f"{govuk_date(t.date)} (CIN code {escape(t.cin_code)})"
        + (f", social care reference {escape(t.social_care_reference)}"
           if t.social_care_reference else "")
        + f": {escape(t.reason)}</div>\n"
        for t in transitions
    )  # fmt: skip


@register.simple_tag
def outcome_items(outcomes) -> str:
    """The plan's outcomes' list items."""
    return _drawn(f"<li>{escape(o.text)}</li>" for o in outcomes)
