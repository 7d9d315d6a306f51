"""The episode page's branching parts written in Python (cases/templatetags/episode_parts.py)
are what cases/detail.html's markup drew (below, as it was), whitespace aside: an episode not yet
assessed and unallocated, one with its plan and a review overdue, a closed one, text to escape,
and each permission given or refused."""

import datetime as dt
import itertools

import pytest
from django.template import Context, Template

from earlyhelp.cases.models import ClosureOutcome, EpisodeStatus
from earlyhelp.cases.templatetags import episode_parts as parts
from earlyhelp.cases.tests.pages import allocated_episode, planned_episode
from earlyhelp.cases.views import _PAGE_PERMISSIONS, episode_page_context
from earlyhelp.testing.world import days_ago

pytestmark = pytest.mark.django_db

HEADING = """<span class="govuk-caption-l"><a class="govuk-link" href="{{ family_url }}">{{ family.name }}</a></span>
<h1 class="govuk-heading-l">Early help episode {{ episode.reference }}</h1>
<p class="govuk-body">{% if episode.is_open %}{% govuk_tag "Open" "green" %}{% else %}{% govuk_tag "Closed" "grey" %} {{ episode.end_date|govuk_date }}: {{ episode.get_closure_outcome_display }}{% endif %}{% if episode.level %} Level of need {{ episode.level.rank }} – {{ episode.level.name }}{% endif %}</p>
{% if may_letter %}<p class="govuk-body"><a class="govuk-link" href="{% link 'letters:choose' 'episode' episode.pk %}">Create a letter<span class="govuk-visually-hidden"> for episode {{ episode.reference }}</span></a> (for example the closure letter to the family)</p>{% endif %}

{% if episode.is_open and can_work %}
<div class="govuk-button-group">
  {% if not assessment_completed and not assessment_in_progress %}<a class="govuk-button" href="{% link 'web:assessment_start' episode.pk %}" role="button" draggable="false" data-module="govuk-button">Start the assessment</a>{% endif %}
  {% if assessment_in_progress %}<a class="govuk-button" href="{% link 'web:assessment' assessment_in_progress.pk %}" role="button" draggable="false" data-module="govuk-button">Continue the assessment</a>{% endif %}
  {% if assessment_completed and not plan %}<a class="govuk-button" href="{% link 'web:plan_start' episode.pk %}" role="button" draggable="false" data-module="govuk-button">Start the plan</a>{% endif %}
  {% if plan|allows:"edit" %}<a class="govuk-button" href="{% link 'web:review_add' episode.pk %}" role="button" draggable="false" data-module="govuk-button">Record a review</a>{% endif %}
  <a class="govuk-button govuk-button--secondary" href="{% link 'web:note_add' episode.pk %}" role="button" draggable="false" data-module="govuk-button">Add a case note</a>
</div>
{% endif %}

"""  # noqa: E501
SUMMARY = """  <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Started</dt><dd class="govuk-summary-list__value">{{ episode.start_date|govuk_date }}</dd><dd class="govuk-summary-list__actions">{% if episode.is_open and may_set_start %}<a class="govuk-link" href="{% link 'web:episode_start_date' episode.pk %}">Change<span class="govuk-visually-hidden"> start date</span></a>{% endif %}</dd></div>
  <div class="govuk-summary-list__row govuk-summary-list__row--no-actions"><dt class="govuk-summary-list__key">Route in</dt><dd class="govuk-summary-list__value">{{ episode.get_route_in_display }}{% if episode.social_care_reference %} (social care reference {{ episode.social_care_reference }}){% endif %}</dd></div>
  <div class="govuk-summary-list__row govuk-summary-list__row--no-actions"><dt class="govuk-summary-list__key">Reason</dt><dd class="govuk-summary-list__value">{{ episode.get_reason_display }}</dd></div>
  <div class="govuk-summary-list__row govuk-summary-list__row--no-actions"><dt class="govuk-summary-list__key">Team</dt><dd class="govuk-summary-list__value">{{ episode.team.name }}</dd></div>
  <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Lead practitioner</dt><dd class="govuk-summary-list__value">{% if episode.lead_practitioner %}{{ episode.lead_practitioner.display_name }}{% if episode.lead_allocated_on %}, since {{ episode.lead_allocated_on|govuk_date }}{% endif %}{% else %}{% govuk_tag "Unallocated" "red" %}{% endif %}</dd><dd class="govuk-summary-list__actions">{% if episode.is_open and may_allocate %}<a class="govuk-link" href="{% link 'web:episode_allocate' episode.pk %}">{% if episode.lead_practitioner %}Change<span class="govuk-visually-hidden"> lead practitioner</span>{% else %}Allocate<span class="govuk-visually-hidden"> a lead practitioner</span>{% endif %}</a>{% endif %}</dd></div>
  <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Focus children</dt><dd class="govuk-summary-list__value">{% for child in episode.focus_children.all %}{{ child.full_name }}{% if not forloop.last %}<br>{% endif %}{% empty %}None named{% endfor %}</dd><dd class="govuk-summary-list__actions">{% if may_change_focus %}<a class="govuk-link" href="{% link 'web:focus_children' episode.pk %}">Change<span class="govuk-visually-hidden"> focus children</span></a>{% endif %}</dd></div>
  {% if episode.contact_id %}<div class="govuk-summary-list__row govuk-summary-list__row--no-actions"><dt class="govuk-summary-list__key">Request for support</dt><dd class="govuk-summary-list__value"><a class="govuk-link" href="{% link 'web:contact_detail' episode.contact_id %}">{{ episode.contact.reference }}</a></dd></div>{% endif %}
  {% if episode.is_open %}<div class="govuk-summary-list__row govuk-summary-list__row--no-actions"><dt class="govuk-summary-list__key">Next review due</dt><dd class="govuk-summary-list__value">{% if review_due %}{{ review_due|govuk_date }}{% if review_overdue %} {% govuk_tag "Overdue" "red" %}{% endif %}{% else %}Set when the plan starts{% endif %}</dd></div>{% endif %}
  {% if not episode.is_open %}<div class="govuk-summary-list__row govuk-summary-list__row--no-actions"><dt class="govuk-summary-list__key">Closure summary</dt><dd class="govuk-summary-list__value app-pre-wrap">{{ episode.closure_summary }}</dd></div>{% endif %}
"""  # noqa: E501
RATING_HEADINGS = """{% for on in ratings.headings %}<th scope="col" class="govuk-table__header">{% if forloop.counter0 == ratings.closing_index %}Closure {% else %}Review {% endif %}{{ on|govuk_date }}<br><span class="govuk-body-s">practitioner / family</span></th>{% endfor %}"""  # noqa: E501
RATING_WORDS = """{% for w in ratings.words %}<p class="govuk-body"><strong>{{ w.rater }}, {{ w.on|govuk_date }}:</strong> {% if w.words is None %}Restricted{% else %}{{ w.words }}{% endif %}{% if w.satisfaction %} (satisfaction {{ w.satisfaction }} of 5){% endif %}</p>{% endfor %}"""  # noqa: E501

ODD = "<Tom & \"Jerry\"> 'quoted'"


def _same(drawn: str, markup: str, context: dict) -> None:
    old = Template("{% load govuk journey %}" + markup).render(Context(context))
    assert " ".join(drawn.split()) == " ".join(old.split())


def _contexts(world):
    """The page's context for episodes in several states, each with every permission given,
    then every one refused."""
    episode = allocated_episode(world)
    lead = episode.lead_practitioner
    episode.lead_practitioner = None
    episode.save()
    for planned in (False, True):
        if planned:
            episode.lead_practitioner = lead
            episode.save()
            planned_episode(world, episode)
        context = episode_page_context(world.manager, episode.pk)
        yield context
        yield {**context, **{name: False for name in _PAGE_PERMISSIONS}, "can_work": False}
    planned = episode
    # The same page as if the planned episode were closed, its review overdue, text to escape
    closed = episode_page_context(world.manager, planned.pk)
    episode = closed["episode"]
    episode.status, episode.end_date = EpisodeStatus.CLOSED, days_ago(1)
    episode.closure_outcome = ClosureOutcome.values[0]
    episode.closure_summary = episode.social_care_reference = episode.reference = ODD
    episode.family.name = ODD
    yield closed
    episode.status, episode.lead_allocated_on = EpisodeStatus.OPEN, None
    yield {**closed, "review_due": days_ago(3), "review_overdue": True}


def test_heading_and_summary_are_what_the_template_drew(world):
    seen = set()
    for context in _contexts(world):
        heading = parts.episode_heading(context)
        _same(heading, HEADING, context)
        summary = parts.episode_summary(context)
        _same(summary, SUMMARY, context)
        seen.update(text for text in ("Start the assessment", "Record a review", "Unallocated",
                                      "Allocate<", "Change<", "Overdue", "Closed", "&lt;Tom",
                                      "Create a letter", "Closure summary")
                    if text in heading + summary)  # fmt: skip
    assert len(seen) == 10, seen


def test_rating_headings_and_words_are_what_the_template_drew():
    on = dt.date(2026, 5, 4)
    words = [{"on": on, "rater": rater, "words": said, "satisfaction": satisfaction}
             for rater, said, satisfaction in itertools.product((ODD, "Parent"), (None, ODD, ""),
                                                                (None, 0, 4))]  # fmt: skip
    for closing in (None, 1):
        ratings = {"headings": [on, on + dt.timedelta(days=3)], "closing_index": closing,
                   "words": words}
        _same(parts.rating_headings(ratings), RATING_HEADINGS, {"ratings": ratings})
        _same(parts.rating_words(ratings), RATING_WORDS, {"ratings": ratings})
