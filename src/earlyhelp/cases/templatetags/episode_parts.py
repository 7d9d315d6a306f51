"""The episode page's branching parts – its heading with the work buttons, the summary list and
the ratings table's headings and words – written in Python as the template wrote them (whitespace
aside): their `{% if %}` nodes, links and lookups were most of what the template still cost
(issue 19; docs/decisions/web-hot-rows-written-in-python.md). Headings and tables stay in
cases/detail.html. cases/tests/test_episode_parts.py compares each with the template markup it
replaced; values are escaped as the template escaped them.

    {% load episode_parts %}  {% episode_heading %}
"""

from html import escape

from django import template

from earlyhelp.cases.selectors import hung
from earlyhelp.cases.templatetags import episode_rows as rows
from earlyhelp.web.escaping import safe as mark_safe
from earlyhelp.web.templatetags.govuk import cached_tag, displayed, govuk_date
from earlyhelp.web.views.base import url_maker

register = template.Library()

_BUTTON = ('<a class="govuk-button{}" href="{}" role="button" draggable="false" '
           'data-module="govuk-button">{}</a>')  # fmt: skip
_ROW = ('<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{}</dt>'
        '<dd class="govuk-summary-list__value">{}</dd>'
        '<dd class="govuk-summary-list__actions">{}</dd></div>')  # fmt: skip
_PLAIN_ROW = ('<div class="govuk-summary-list__row govuk-summary-list__row--no-actions">'
              '<dt class="govuk-summary-list__key">{}</dt>'
              '<dd class="govuk-summary-list__value{}">{}</dd></div>')  # fmt: skip


def _link(name: str, pk, *fixed) -> str:
    return escape(url_maker(name, *fixed)(pk))


def _text(value) -> str:
    """`{{ value }}` of text or a number."""
    return escape(str(value))


def _change(name: str, pk, hidden: str, label: str = "Change") -> str:
    return (f'<a class="govuk-link" href="{_link(name, pk)}">{label}'
            f'<span class="govuk-visually-hidden"> {hidden}</span></a>')  # fmt: skip


@register.simple_tag(takes_context=True)
def episode_heading(context) -> str:
    """The family caption, the heading, the status line, the letter link and the buttons for
    the next piece of work."""
    episode = context["episode"]
    reference = _text(episode.reference)
    if episode.is_open:
        status = cached_tag("Open", "green")
    else:
        status = (f'{cached_tag("Closed", "grey")} {govuk_date(episode.end_date)}: '
                  f"{_text(displayed(episode, 'closure_outcome'))}")  # fmt: skip
    level = episode.level
    if level:
        status += f" Level of need {_text(level.rank)} – {_text(level.name)}"
    family_link = f'<a class="govuk-link" href="{escape(context["family_url"])}">'
    parts = [
        f'<span class="govuk-caption-l">{family_link}{_text(context["family"].name)}</a></span>\n'
        f'<h1 class="govuk-heading-l">Early help episode {reference}</h1>\n'
        f'<p class="govuk-body">{status}</p>\n'
    ]
    if context["may_letter"]:
        parts.append(f'<p class="govuk-body"><a class="govuk-link" '
                     f'href="{_link("letters:choose", episode.pk, "episode")}">Create a letter'
                     f'<span class="govuk-visually-hidden"> for episode {reference}</span></a> '
                     "(for example the closure letter to the family)</p>")  # fmt: skip
    parts.append("\n\n")
    if episode.is_open and context["can_work"]:
        note = _BUTTON.format(" govuk-button--secondary", _link("web:note_add", episode.pk),
                              "Add a case note")
        parts.append(f'\n<div class="govuk-button-group">\n  {_work_buttons(context, episode)}\n'
                     f"  {note}\n</div>\n")  # fmt: skip
    return mark_safe("".join(parts))


def _work_buttons(context, episode) -> str:
    in_progress, completed = context["assessment_in_progress"], context["assessment_completed"]
    buttons = []
    if not completed and not in_progress:
        buttons.append(_BUTTON.format("", _link("web:assessment_start", episode.pk),
                                      "Start the assessment"))
    if in_progress:
        buttons.append(_BUTTON.format("", _link("web:assessment", in_progress.pk),
                                      "Continue the assessment"))
    if completed and not context["plan"]:
        buttons.append(_BUTTON.format("", _link("web:plan_start", episode.pk), "Start the plan"))
    if context["plan_editable"]:
        buttons.append(_BUTTON.format("", _link("web:review_add", episode.pk), "Record a review"))
    return "\n  ".join(buttons)


@register.simple_tag(takes_context=True)
def episode_summary(context) -> str:
    """The summary list's rows."""
    episode = context["episode"]
    pk, is_open = episode.pk, episode.is_open
    change_start = (_change("web:episode_start_date", pk, "start date")
                    if is_open and context["may_set_start"] else "")  # fmt: skip
    route = _text(displayed(episode, "route_in"))
    if episode.social_care_reference:
        route += f" (social care reference {_text(episode.social_care_reference)})"
    team = episode.team
    rows = [
        _ROW.format("Started", govuk_date(episode.start_date), change_start),
        _PLAIN_ROW.format("Route in", "", route),
        _PLAIN_ROW.format("Reason", "", _text(displayed(episode, "reason"))),
        _PLAIN_ROW.format("Team", "", _text(team.name) if team else ""),
        _ROW.format("Lead practitioner", *_lead(context, episode)),
        _ROW.format("Focus children",
                    "<br>".join(_text(c.full_name) for c in hung(episode, "focus_children"))
                    or "None named",
                    _change("web:focus_children", pk, "focus children")
                    if context["may_change_focus"] else ""),
    ]  # fmt: skip
    if episode.contact_id:
        rows.append(_PLAIN_ROW.format(
            "Request for support", "",
            f'<a class="govuk-link" href="{_link("web:contact_detail", episode.contact_id)}">'
            f"{_text(episode.contact.reference)}</a>"))  # fmt: skip
    if is_open:
        due = context["review_due"]
        if due:
            shown = govuk_date(due)
            if context["review_overdue"]:
                shown += f" {cached_tag('Overdue', 'red')}"
        else:
            shown = "Set when the plan starts"
        rows.append(_PLAIN_ROW.format("Next review due", "", shown))
    else:
        rows.append(_PLAIN_ROW.format("Closure summary", " app-pre-wrap",
                                      _text(episode.closure_summary)))
    return mark_safe("\n  ".join(rows))


def _lead(context, episode) -> tuple[str, str]:
    lead = episode.lead_practitioner
    if lead:
        shown = _text(lead.display_name)
        if episode.lead_allocated_on:
            shown += f", since {govuk_date(episode.lead_allocated_on)}"
    else:
        shown = cached_tag("Unallocated", "red")
    if not (episode.is_open and context["may_allocate"]):
        return shown, ""
    label, hidden = ("Change", "lead practitioner") if lead else ("Allocate", "a lead practitioner")
    return shown, _change("web:episode_allocate", episode.pk, hidden, label)


@register.simple_tag
def rating_headings(ratings) -> str:
    """The ratings table's column headings after the need and its baseline."""
    closing = ratings["closing_index"]
    return mark_safe("".join(
        '<th scope="col" class="govuk-table__header">'
        f"{'Closure ' if n == closing else 'Review '}{govuk_date(on)}"
        '<br><span class="govuk-body-s">practitioner / family</span></th>'
        for n, on in enumerate(ratings["headings"])
    ))  # fmt: skip


@register.simple_tag
def rating_words(ratings) -> str:
    """What each rater said, by the date they said it (a child's words restricted)."""
    return mark_safe("".join(
        f'<p class="govuk-body"><strong>{_text(w["rater"])}, {govuk_date(w["on"])}:</strong> '
        + ("Restricted" if w["words"] is None else _text(w["words"]))
        + (f" (satisfaction {_text(w['satisfaction'])} of 5)" if w["satisfaction"] else "")
        + "</p>"
        for w in ratings["words"]
    ))  # fmt: skip


# The page's tables: a caption and the column headings, as cases/detail.html wrote them
def _table(caption: str, *headings: str) -> str:
    cells = "".join(f'<th scope="col" class="govuk-table__header">{h}</th>' for h in headings)
    return ('\n<table class="govuk-table">\n'
            f'  <caption class="govuk-table__caption govuk-visually-hidden">{caption}</caption>\n'
            '  <thead class="govuk-table__head"><tr class="govuk-table__row">'
            f"{cells}</tr></thead>\n"
            '  <tbody class="govuk-table__body">\n  ')  # fmt: skip


_END_TABLE = "\n  </tbody>\n</table>\n"
_TAF_TABLE = _table("Team Around the Family members", "Name", "Organisation and role", "Joined")
_ASSESSMENT_TABLE = _table("Assessments", "Started", "Completed", "By", "Presenting needs")
_ACTION_TABLE = _table("Plan actions", "Action", "Owner", "Due", "Status")
_REFERRAL_TABLE = _table("Referrals to services from this episode", "Referral", "Service", "For",
                         "Sent", "Status")
_RATINGS_TABLE = (
    '<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--s">'
    "Each need from 1 (serious concern) to 10 (no concern): the practitioner's score, then the "
    "family's own rating</caption>\n"
    '<thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" '
    'class="govuk-table__header">Need</th><th scope="col" class="govuk-table__header">Baseline'
    "</th>")


def _body_link(name: str, pk, text: str, after: str = "") -> str:
    return (f'<p class="govuk-body"><a class="govuk-link" href="{_link(name, pk)}">{text}</a>'
            f"{after}</p>")


@register.simple_tag(takes_context=True)
def episode_body(context) -> str:
    """The whole of the page below the back link – heading, summary, Team Around the Family,
    assessment, plan, referrals, reviews, ratings, case notes and the ending buttons – as
    cases/detail.html's content block drew them with the tags above and in episode_rows, byte
    for byte: its conditions, links and the tags' arguments, resolved by the template engine,
    were a third of the page's rendering (issue 19). cases/tests/test_episode_parts.py compares
    it with that markup."""
    episode = context["episode"]
    pk = episode.pk
    parts = ["\n", episode_heading(context),
             '\n<h2 class="govuk-heading-m">Summary</h2>\n<dl class="govuk-summary-list">\n  ',
             episode_summary(context), "\n</dl>\n", rows.transition_insets(context["transitions"]),
             '\n\n<h2 class="govuk-heading-m" id="taf">Team Around the Family</h2>\n']  # fmt: skip
    taf = context["taf"]
    parts.append(f"{_TAF_TABLE}{rows.taf_rows(taf)}{_END_TABLE}" if taf
                 else '<p class="govuk-body">No members yet.</p>')  # fmt: skip
    parts.append("\n")
    if context["may_add_taf"]:
        parts.append(_body_link("web:taf_member_add", pk, "Add a member"))
    parts.append('\n\n<h2 class="govuk-heading-m" id="assessment">Early help assessment</h2>\n')
    assessments = context["assessments"]
    parts.append(f"{_ASSESSMENT_TABLE}{rows.assessment_rows(assessments)}{_END_TABLE}"
                 if assessments else '<p class="govuk-body">Not started.</p>')  # fmt: skip
    parts.append('\n\n<h2 class="govuk-heading-m" id="plan">Plan</h2>\n')
    parts.append(_plan_part(context))
    parts.append('\n\n<h2 class="govuk-heading-m" id="referrals">Services and referrals</h2>\n')
    referrals = context["referrals"]
    parts.append(f"{_REFERRAL_TABLE}{rows.referral_rows(referrals)}{_END_TABLE}" if referrals
                 else '<p class="govuk-body">No referrals to services yet.</p>')  # fmt: skip
    parts.append("\n")
    if context["may_refer"]:
        parts.append(_body_link("directory:suggest", pk, "Find services for this family",
                                " – suggestions for the family's needs, and referral."))
    parts.append('\n\n<h2 class="govuk-heading-m" id="reviews">Reviews</h2>\n')
    reviews = context["reviews"]
    if reviews:
        chart = context["chart"]
        parts.append(f"\n{rows.chart_figure(chart) if chart else ''}\n"
                     f"{rows.review_blocks(reviews)}\n")  # fmt: skip
    else:
        parts.append('<p class="govuk-body">No reviews yet.</p>')
    parts.append("\n")
    ratings = context["ratings"]
    if ratings["headings"] and ratings["rows"]:
        parts.append(
            '\n<h2 class="govuk-heading-m" id="ratings">Practitioner and family ratings</h2>\n'
            f"{_RATINGS_TABLE}{rating_headings(ratings)}</tr></thead>\n"
            f'<tbody class="govuk-table__body">{rows.rating_rows(ratings)}</tbody></table>\n'
            f"{rating_words(ratings)}\n")  # fmt: skip
    parts.append('\n\n<h2 class="govuk-heading-m" id="notes">Case notes</h2>\n')
    notes = context["notes"]
    if notes:
        parts.append(f'\n<ul class="govuk-list">{rows.note_items(notes)}</ul>\n'
                     f'{_body_link("web:notes", pk, "All case notes")}\n')  # fmt: skip
    else:
        parts.append('<p class="govuk-body">No case notes.</p>')
    parts.append("\n\n")
    may_close, may_step_up = context["may_close"], context["may_step_up"]
    if may_close or may_step_up:
        close = (_BUTTON.format(" govuk-button--secondary", _link("web:close", pk),
                                "Close the episode") if may_close else "")  # fmt: skip
        step_up = (_BUTTON.format(" govuk-button--warning", _link("web:step_up", pk),
                                  "Step up to children's social care") if may_step_up else "")
        parts.append('\n<h2 class="govuk-heading-m">End the episode</h2>\n'
                     f'<div class="govuk-button-group">\n  {close}\n  {step_up}\n</div>\n')
    parts.append("\n")
    return mark_safe("".join(parts))


def _plan_part(context) -> str:
    """The plan's dates, outcomes and actions, or why there is no plan yet."""
    plan = context["plan"]
    if not plan:
        why = ("No plan yet." if context["assessment_completed"]
               else "The plan follows the completed assessment.")  # fmt: skip
        return f'<p class="govuk-body">{why}</p>'
    ended = f", ended {govuk_date(plan.ended_on)}" if plan.ended_on else ""
    may_add = context["can_work"] and context["plan_editable"]
    outcomes, actions = context["outcomes"], context["actions"]
    parts = [f'\n<p class="govuk-body">Started {govuk_date(plan.started_on)}{ended}.</p>\n'
             '<h3 class="govuk-heading-s">Outcomes the family want</h3>\n',
             (f'<ol class="govuk-list govuk-list--number">{rows.outcome_items(outcomes)}</ol>'
              if outcomes else '<p class="govuk-body">No outcomes yet.</p>'), "\n",
             _body_link("web:plan_outcome_add", plan.pk, "Add an outcome") if may_add else "",
             '\n<h3 class="govuk-heading-s">Actions</h3>\n']  # fmt: skip
    if actions:
        drawn = rows.action_rows(actions, plan=plan, can_work=context["can_work"],
                                 today=context["today"])
        parts.append(f'\n<div class="app-table-wrap">{_ACTION_TABLE}{drawn}{_END_TABLE}</div>\n')
    else:
        parts.append('<p class="govuk-body">No actions yet.</p>')
    parts.append("\n")
    if may_add:
        parts.append(_body_link("web:plan_action_add", plan.pk, "Add an action"))
    parts.append("\n")
    return "".join(parts)
