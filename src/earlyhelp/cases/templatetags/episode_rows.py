"""The episode page's repeated rows (assessments, plan actions, reviews, ratings, case notes),
each drawn by one tag as the template's loops drew it, byte for byte: their loops, variable
lookups and filters per row were most of the page's rendering (issue 19). Text is escaped as
the template escapes it (Django's escape is html.escape); cases/tests/test_episode_rows.py
compares every row with the template markup it replaces.

    {% load episode_rows %}  {% assessment_rows assessments %}
"""

from html import escape

from django import template
from django.template.defaultfilters import linebreaksbr, truncatechars
from django.utils.safestring import mark_safe

from earlyhelp.web.templatetags.govuk import govuk_date, govuk_datetime, govuk_tag
from earlyhelp.web.templatetags.journey import allows
from earlyhelp.web.views.base import url_maker

register = template.Library()

_CELL = '<td class="govuk-table__cell">{}</td>'


@register.simple_tag
def assessment_rows(assessments) -> str:
    """The assessments table's body rows."""
    link = url_maker("web:assessment")
    rows = []
    for a in assessments:
        needs = "<br>".join(f"{escape(n.theme.name)} ({n.baseline_score})"
                            for n in a.presenting_needs.all()) or "None yet"  # fmt: skip
        completed = (govuk_date(a.completed_on) if a.completed_on
                     else govuk_tag("In progress", "light-blue"))  # fmt: skip
        rows.append(
            '<tr class="govuk-table__row">'
            + _CELL.format(
                f'<a class="govuk-link" href="{link(a.pk)}">{govuk_date(a.started_on)}</a>'
            )
            + _CELL.format(completed)
            + _CELL.format(escape(a.completing_organisation.name))
            + _CELL.format(needs)
            + "</tr>"
        )
    return mark_safe("".join(rows))


@register.simple_tag
def action_rows(actions, *, plan, can_work: bool, today) -> str:
    """The plan's actions table's body rows, each open one with its "Mark as done" link where
    the user may work on the episode and the plan and the action allow it."""
    done_link = url_maker("web:plan_action_done")
    plan_editable = can_work and allows(plan, "edit")
    rows = []
    for a in actions:
        if a.status == "done":
            status = govuk_tag("Done", "green")
            if a.completed_on:
                status += f'<br><span class="govuk-body-s">{govuk_date(a.completed_on)}</span>'
        elif a.status == "cancelled":
            status = govuk_tag("Cancelled", "grey")
        else:
            status = (govuk_tag("Past due", "red") if a.due_date < today
                      else govuk_tag("Open", "blue"))  # fmt: skip
            if plan_editable and allows(a, "complete"):
                status += (
                    f'<br><a class="govuk-link" href="{done_link(a.pk)}">Mark as done'
                    f'<span class="govuk-visually-hidden">: '
                    f"{escape(truncatechars(a.description, 40))}</span></a>"
                )
        rows.append(
            '<tr class="govuk-table__row">'
            + _CELL.format(escape(a.description))
            + _CELL.format(escape(a.owner_name))
            + _CELL.format(govuk_date(a.due_date))
            + _CELL.format(status)
            + "</tr>"
        )
    return mark_safe("".join(rows))


@register.simple_tag
def review_blocks(reviews) -> str:
    """Each review's heading, summary, the family's view and who attended."""
    blocks = []
    for n, r in enumerate(reviews, start=1):
        summary = (f'<p class="govuk-body app-pre-wrap">{escape(r.summary)}</p>'
                   if r.summary else "")  # fmt: skip
        view = (f"<p class=\"govuk-body\"><strong>The family's view:</strong> "
                f"{escape(r.family_view)}</p>" if r.family_view else "")  # fmt: skip
        due = f"<br>Next review due {govuk_date(r.next_review_due)}" if r.next_review_due else ""
        blocks.append(
            f'\n<h3 class="govuk-heading-s">Review {n}: {govuk_date(r.held_on)}</h3>\n'
            f"{summary}\n{view}\n"
            f'<p class="govuk-body-s">Attended: {linebreaksbr(r.attendees)}{due}</p>\n'
        )
    return mark_safe("".join(blocks))


@register.simple_tag
def rating_rows(ratings) -> str:
    """The ratings table's body rows: per need, the baseline, then each column's practitioner
    and family scores."""
    rows = []
    for row in ratings["rows"]:
        cells = "".join(_CELL.format(f"{escape(str(prac))} / {escape(str(fam))}")
                        for prac, fam in row["cells"])  # fmt: skip
        rows.append(
            '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
            f"{escape(row['need'].theme.name)}</th>"
            + _CELL.format(escape(str(row["baseline"])))
            + cells
            + "</tr>"
        )
    return mark_safe("".join(rows))


@register.simple_tag
def note_items(notes) -> str:
    """The newest case notes' list items."""
    items = []
    for n in notes:
        sensitive = f" {govuk_tag('Sensitive', 'orange')}" if n.is_sensitive else ""
        items.append(
            f"<li><strong>{escape(n.subject)}</strong>{sensitive}<br>"
            f'<span class="govuk-body-s">{govuk_datetime(n.written_at)}, '
            f"{escape(n.author.display_name)}</span></li>"
        )
    return mark_safe("".join(items))
