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

# cases/detail.html's content block as it was, before episode_body wrote it
BODY = """
{% episode_heading %}
<h2 class="govuk-heading-m">Summary</h2>
<dl class="govuk-summary-list">
  {% episode_summary %}
</dl>
{% transition_insets transitions %}

<h2 class="govuk-heading-m" id="taf">Team Around the Family</h2>
{% if taf %}
<table class="govuk-table">
  <caption class="govuk-table__caption govuk-visually-hidden">Team Around the Family members</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Name</th><th scope="col" class="govuk-table__header">Organisation and role</th><th scope="col" class="govuk-table__header">Joined</th></tr></thead>
  <tbody class="govuk-table__body">
  {% taf_rows taf %}
  </tbody>
</table>
{% else %}<p class="govuk-body">No members yet.</p>{% endif %}
{% if may_add_taf %}<p class="govuk-body"><a class="govuk-link" href="{% link 'web:taf_member_add' episode.pk %}">Add a member</a></p>{% endif %}

<h2 class="govuk-heading-m" id="assessment">Early help assessment</h2>
{% if assessments %}
<table class="govuk-table">
  <caption class="govuk-table__caption govuk-visually-hidden">Assessments</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Started</th><th scope="col" class="govuk-table__header">Completed</th><th scope="col" class="govuk-table__header">By</th><th scope="col" class="govuk-table__header">Presenting needs</th></tr></thead>
  <tbody class="govuk-table__body">
  {% assessment_rows assessments %}
  </tbody>
</table>
{% else %}<p class="govuk-body">Not started.</p>{% endif %}

<h2 class="govuk-heading-m" id="plan">Plan</h2>
{% if plan %}
<p class="govuk-body">Started {{ plan.started_on|govuk_date }}{% if plan.ended_on %}, ended {{ plan.ended_on|govuk_date }}{% endif %}.</p>
<h3 class="govuk-heading-s">Outcomes the family want</h3>
{% if outcomes %}<ol class="govuk-list govuk-list--number">{% outcome_items outcomes %}</ol>{% else %}<p class="govuk-body">No outcomes yet.</p>{% endif %}
{% if can_work and plan_editable %}<p class="govuk-body"><a class="govuk-link" href="{% link 'web:plan_outcome_add' plan.pk %}">Add an outcome</a></p>{% endif %}
<h3 class="govuk-heading-s">Actions</h3>
{% if actions %}
<div class="app-table-wrap">
<table class="govuk-table">
  <caption class="govuk-table__caption govuk-visually-hidden">Plan actions</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Action</th><th scope="col" class="govuk-table__header">Owner</th><th scope="col" class="govuk-table__header">Due</th><th scope="col" class="govuk-table__header">Status</th></tr></thead>
  <tbody class="govuk-table__body">
  {% action_rows actions plan=plan can_work=can_work today=today %}
  </tbody>
</table>
</div>
{% else %}<p class="govuk-body">No actions yet.</p>{% endif %}
{% if can_work and plan_editable %}<p class="govuk-body"><a class="govuk-link" href="{% link 'web:plan_action_add' plan.pk %}">Add an action</a></p>{% endif %}
{% else %}<p class="govuk-body">{% if assessment_completed %}No plan yet.{% else %}The plan follows the completed assessment.{% endif %}</p>{% endif %}

<h2 class="govuk-heading-m" id="referrals">Services and referrals</h2>
{% if referrals %}
<table class="govuk-table">
  <caption class="govuk-table__caption govuk-visually-hidden">Referrals to services from this episode</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Referral</th><th scope="col" class="govuk-table__header">Service</th><th scope="col" class="govuk-table__header">For</th><th scope="col" class="govuk-table__header">Sent</th><th scope="col" class="govuk-table__header">Status</th></tr></thead>
  <tbody class="govuk-table__body">
  {% referral_rows referrals %}
  </tbody>
</table>
{% else %}<p class="govuk-body">No referrals to services yet.</p>{% endif %}
{% if may_refer %}<p class="govuk-body"><a class="govuk-link" href="{% link 'directory:suggest' episode.pk %}">Find services for this family</a> – suggestions for the family's needs, and referral.</p>{% endif %}

<h2 class="govuk-heading-m" id="reviews">Reviews</h2>
{% if reviews %}
{% if chart %}{% chart_figure chart %}{% endif %}
{% review_blocks reviews %}
{% else %}<p class="govuk-body">No reviews yet.</p>{% endif %}
{% if ratings.headings and ratings.rows %}
<h2 class="govuk-heading-m" id="ratings">Practitioner and family ratings</h2>
<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--s">Each need from 1 (serious concern) to 10 (no concern): the practitioner's score, then the family's own rating</caption>
<thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Need</th><th scope="col" class="govuk-table__header">Baseline</th>{% rating_headings ratings %}</tr></thead>
<tbody class="govuk-table__body">{% rating_rows ratings %}</tbody></table>
{% rating_words ratings %}
{% endif %}

<h2 class="govuk-heading-m" id="notes">Case notes</h2>
{% if notes %}
<ul class="govuk-list">{% note_items notes %}</ul>
<p class="govuk-body"><a class="govuk-link" href="{% link 'web:notes' episode.pk %}">All case notes</a></p>
{% else %}<p class="govuk-body">No case notes.</p>{% endif %}

{% if may_close or may_step_up %}
<h2 class="govuk-heading-m">End the episode</h2>
<div class="govuk-button-group">
  {% if may_close %}<a class="govuk-button govuk-button--secondary" href="{% link 'web:close' episode.pk %}" role="button" draggable="false" data-module="govuk-button">Close the episode</a>{% endif %}
  {% if may_step_up %}<a class="govuk-button govuk-button--warning" href="{% link 'web:step_up' episode.pk %}" role="button" draggable="false" data-module="govuk-button">Step up to children's social care</a>{% endif %}
</div>
{% endif %}
"""  # noqa: E501
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


# What the variants below must between them show: each branch of the page body
_BODY_MARKERS = (
    "Team Around the Family members", "No members yet.", "Add a member", "Not started.",
    "Presenting needs", "No plan yet.", "The plan follows the completed assessment.",
    "Outcomes the family want", "No outcomes yet.", "Add an outcome", "Plan actions",
    "No actions yet.", "Add an action", "Referrals to services from this episode",
    "No referrals to services yet.", "Find services for this family", "No reviews yet.",
    "app-chart", "Practitioner and family ratings", "All case notes", "No case notes.",
    "End the episode", "Close the episode", "Step up to children", ", ended ", "&lt;Tom",
)


def test_the_page_body_is_what_the_template_drew(world):
    """episode_body against the content block it replaced (BODY), byte for byte: each state of
    `_contexts`, then the same page with its lists empty, with no plan, with referrals, with
    the plan ended."""
    from earlyhelp.directory import selectors as directory_selectors
    from earlyhelp.directory import services as directory
    from earlyhelp.directory.tests.factories import ServiceFactory

    empty = {"taf": [], "notes": [], "referrals": [], "outcomes": [], "actions": [],
             "reviews": [], "chart": None, "assessments": [],
             "ratings": {"headings": [], "rows": [], "words": [], "closing_index": None}}
    seen, referred = set(), None
    for context in [*_contexts(world), _full_context(world)]:
        episode = context["episode"]
        if referred is None:
            referred = directory.referral_send(episode=episode, service=ServiceFactory(name=ODD),
                                               reason="Support", acting_user=world.worker)
        referrals = directory_selectors.episode_referrals(user=world.worker, episode=episode)
        plan = context["plan"]
        ended = None
        if plan is not None:
            ended = type(plan).objects.get(pk=plan.pk)
            ended.ended_on = days_ago(0)
        for variant in (context, {**context, **empty}, {**context, "plan": None},
                        {**context, "referrals": referrals}, {**context, "plan": ended}):
            drawn = parts.episode_body(variant)
            markup = Template("{% load govuk episode_rows episode_parts %}" + BODY)
            assert drawn == markup.render(Context(variant))
            seen.update(marker for marker in _BODY_MARKERS if marker in drawn)
    assert seen == set(_BODY_MARKERS)


def _full_context(world):
    """The planned episode of `_contexts` with an action, two reviews (a family rating, a
    chart), a case note and a Team Around the Family member, as its lead practitioner sees it."""
    from earlyhelp.cases import services
    from earlyhelp.cases.models import Episode
    from earlyhelp.plans import services as plans
    from earlyhelp.plans.models import Plan

    episode = Episode.objects.filter(plans__isnull=False).latest("created_at")
    plan = Plan.objects.get(episode=episode)
    need = plan.episode.assessments.get().presenting_needs.first()
    plans.plan_action_add(plan=plan, description=ODD, owner_name=ODD, due_date=days_ago(1),
                          acting_user=world.worker)
    plans.review_record(episode=episode, held_on=days_ago(20), attendees=ODD, summary=ODD,
                        family_view=ODD, scores={need: 5},
                        family={"rater": "parent_carer", "words": ODD, "scores": {need: 6}},
                        acting_user=world.worker)
    plans.review_record(episode=episode, held_on=days_ago(10), attendees="Mum",
                        scores={need: 7}, acting_user=world.worker)
    services.case_note_add(episode=episode, subject=ODD, text="Seen.", is_sensitive=True,
                           acting_user=world.worker)
    services.taf_member_add(episode=episode, acting_user=world.worker, name=ODD,
                            organisation=None, role=ODD, joined_on=days_ago(30))
    return episode_page_context(episode.lead_practitioner, episode.pk)
