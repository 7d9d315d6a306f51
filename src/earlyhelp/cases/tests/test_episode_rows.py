"""The episode page's rows drawn in Python (cases/templatetags/episode_rows.py) are byte for
byte what the template's loops drew (the markup below is the template's, as it was), with text
that needs escaping, long descriptions, every action status, sensitive notes and the family's
ratings."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from earlyhelp.cases import selectors as cases
from earlyhelp.cases import services
from earlyhelp.cases.models import TafMember, Transition, TransitionKind
from earlyhelp.cases.templatetags import episode_rows as rows
from earlyhelp.cases.tests.pages import allocated_episode, planned_episode
from earlyhelp.cases.views import episode_context
from earlyhelp.core.models import Organisation
from earlyhelp.core.tests.factories import OrganisationFactory
from earlyhelp.directory import selectors as directory_selectors
from earlyhelp.directory import services as directory
from earlyhelp.directory.models import Referral, ReferralStatus
from earlyhelp.directory.tests.factories import ServiceFactory
from earlyhelp.plans import services as plans
from earlyhelp.plans.models import PlanOutcome
from earlyhelp.testing.world import days_ago
from earlyhelp.web.charts import line_chart

pytestmark = pytest.mark.django_db

ASSESSMENTS = """{% for a in assessments %}<tr class="govuk-table__row"><td class="govuk-table__cell"><a class="govuk-link" href="{% url 'web:assessment' a.pk %}">{{ a.started_on|govuk_date }}</a></td><td class="govuk-table__cell">{% if a.completed_on %}{{ a.completed_on|govuk_date }}{% else %}{% govuk_tag "In progress" "light-blue" %}{% endif %}</td><td class="govuk-table__cell">{{ a.completing_organisation.name }}</td><td class="govuk-table__cell">{% for n in a.presenting_needs.all %}{{ n.theme.name }} ({{ n.baseline_score }}){% if not forloop.last %}<br>{% endif %}{% empty %}None yet{% endfor %}</td></tr>{% endfor %}"""  # noqa: E501
ACTIONS = """{% for a in actions %}<tr class="govuk-table__row"><td class="govuk-table__cell">{{ a.description }}</td><td class="govuk-table__cell">{{ a.owner_name }}</td><td class="govuk-table__cell">{{ a.due_date|govuk_date }}</td><td class="govuk-table__cell">{% if a.status == 'done' %}{% govuk_tag "Done" "green" %}{% if a.completed_on %}<br><span class="govuk-body-s">{{ a.completed_on|govuk_date }}</span>{% endif %}{% elif a.status == 'cancelled' %}{% govuk_tag "Cancelled" "grey" %}{% else %}{% if a.due_date < today %}{% govuk_tag "Past due" "red" %}{% else %}{% govuk_tag "Open" "blue" %}{% endif %}{% if can_work and plan|allows:"edit" and a|allows:"complete" %}<br><a class="govuk-link" href="{% url 'web:plan_action_done' a.pk %}">Mark as done<span class="govuk-visually-hidden">: {{ a.description|truncatechars:40 }}</span></a>{% endif %}{% endif %}</td></tr>{% endfor %}"""  # noqa: E501
REVIEWS = """{% for r in reviews %}
<h3 class="govuk-heading-s">Review {{ forloop.counter }}: {{ r.held_on|govuk_date }}</h3>
{% if r.summary %}<p class="govuk-body app-pre-wrap">{{ r.summary }}</p>{% endif %}
{% if r.family_view %}<p class="govuk-body"><strong>The family's view:</strong> {{ r.family_view }}</p>{% endif %}
<p class="govuk-body-s">Attended: {{ r.attendees|linebreaksbr }}{% if r.next_review_due %}<br>Next review due {{ r.next_review_due|govuk_date }}{% endif %}</p>
{% endfor %}"""  # noqa: E501
RATINGS = """{% for row in ratings.rows %}<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{{ row.need.theme.name }}</th><td class="govuk-table__cell">{{ row.baseline }}</td>{% for prac, fam in row.cells %}<td class="govuk-table__cell">{{ prac }} / {{ fam }}</td>{% endfor %}</tr>{% endfor %}"""  # noqa: E501
REFERRALS = """{% for r in referrals %}<tr class="govuk-table__row"><td class="govuk-table__cell"><a class="govuk-link" href="{% url 'directory:referral' r.pk %}">{{ r.reference }}</a></td><td class="govuk-table__cell">{{ r.service.name }}{% if r.service.organisation %}<br><span class="govuk-body-s">{{ r.service.organisation.name }}</span>{% endif %}</td><td class="govuk-table__cell">{% if r.person %}{{ r.person.full_name }}{% else %}Whole family{% endif %}</td><td class="govuk-table__cell">{{ r.sent_at|govuk_date }}</td><td class="govuk-table__cell">{% include "directory/_status.html" with status=r.status label=r.get_status_display %}</td></tr>{% endfor %}"""  # noqa: E501
TAF = """{% for m in taf %}<tr class="govuk-table__row"><td class="govuk-table__cell">{{ m.name }}</td><td class="govuk-table__cell">{{ m.organisation.name|default:"" }}{% if m.role %}{% if m.organisation %}, {% endif %}{{ m.role }}{% endif %}</td><td class="govuk-table__cell">{{ m.joined_on|govuk_date }}{% if m.left_on %} (left {{ m.left_on|govuk_date }}){% endif %}</td></tr>{% endfor %}"""  # noqa: E501
TRANSITIONS = """{% for t in transitions %}
<div class="govuk-inset-text">{{ t.get_kind_display }} on {{ t.date|govuk_date }} (CIN code {{ t.cin_code }}){% if t.social_care_reference %}, social care reference {{ t.social_care_reference }}{% endif %}: {{ t.reason }}</div>
{% endfor %}"""  # noqa: E501
OUTCOMES = """{% for o in outcomes %}<li>{{ o.text }}</li>{% endfor %}"""
NOTES = """{% for n in notes %}<li><strong>{{ n.subject }}</strong>{% if n.is_sensitive %} {% govuk_tag "Sensitive" "orange" %}{% endif %}<br><span class="govuk-body-s">{{ n.written_at|govuk_datetime }}, {{ n.author.display_name }}</span></li>{% endfor %}"""  # noqa: E501

ODD = "<Tom & \"Jerry\"> 'quoted'"


def _template(markup, context) -> str:
    return Template("{% load govuk journey %}" + markup).render(Context(context))


def test_rows_are_what_the_template_drew(world):
    episode, plan, need = planned_episode(world, allocated_episode(world))
    for n, description in enumerate([ODD, "A long action " * 5, "Done", "Cancelled", "Later"]):
        due = days_ago(1) if n < 2 else days_ago(-10)
        action = plans.plan_action_add(plan=plan, description=description, owner_name=ODD,
                                       due_date=due, acting_user=world.worker)
        if description == "Done":
            plans.plan_action_complete(action=action, completed_on=days_ago(0),
                                       acting_user=world.worker)
        if description == "Cancelled":
            plans.plan_action_cancel(action=action, acting_user=world.worker)
    plans.review_record(episode=episode, held_on=days_ago(20), attendees=f"Mum\n{ODD}",
                        summary=f"Better\n{ODD}", family_view=ODD, scores={need: 5},
                        family={"rater": "parent_carer", "words": ODD, "scores": {need: 6}},
                        acting_user=world.worker)
    plans.review_record(episode=episode, held_on=days_ago(10), attendees="Mum",
                        scores={need: 7}, acting_user=world.worker)
    for sensitive in (False, True):
        services.case_note_add(episode=episode, subject=ODD, text="Seen.",
                               is_sensitive=sensitive, acting_user=world.worker)

    organisation = OrganisationFactory(name=ODD)
    for name, organisation_, role in [(ODD, organisation, ODD), ("No role", organisation, ""),
                                      ("No organisation", None, ODD), ("Neither", None, "")]:
        services.taf_member_add(episode=episode, acting_user=world.worker, name=name,
                                organisation=organisation_, role=role, joined_on=days_ago(30))
    TafMember.objects.filter(name="Neither").update(left_on=days_ago(2))

    episode, notes, _ = cases.episode_page(user=world.worker, episode_id=episode.pk)
    context = episode_context(world.worker, episode)
    context["notes"] = notes
    needs = list(context["assessment_completed"].presenting_needs.all())
    context["ratings"] = cases.episode_ratings(user=world.worker, episode=episode, needs=needs)
    request = RequestFactory().get("/")
    request.user = world.worker
    context["request"] = request
    assert len(context["actions"]) == 5 and len(context["reviews"]) == 2
    assert len(context["notes"]) == 2 and context["ratings"]["rows"]

    assert rows.assessment_rows(context["assessments"]) == _template(ASSESSMENTS, context)
    drawn = rows.action_rows(context["actions"], plan=context["plan"],
                             can_work=context["can_work"], today=context["today"])
    assert drawn == _template(ACTIONS, context)
    assert "Mark as done" in drawn and "&lt;Tom &amp; &quot;Jerry&quot;&gt; &#x27;" in drawn
    assert rows.review_blocks(context["reviews"]) == _template(REVIEWS, context)
    assert rows.rating_rows(context["ratings"]) == _template(RATINGS, context)
    assert rows.note_items(context["notes"]) == _template(NOTES, context)
    assert len(context["taf"]) == 4 and rows.taf_rows(context["taf"]) == _template(TAF, context)


def test_referral_rows_are_what_the_template_drew(world):
    """Every status (each its own colour), a named child and the whole family, text to escape."""
    episode = allocated_episode(world)
    first = directory.referral_send(episode=episode, service=ServiceFactory(name=ODD),
                                    reason="Support", acting_user=world.worker)
    for n, status in enumerate(ReferralStatus.values):
        Referral.objects.create(
            reference=f"R{n}{ODD}"[:20], service=first.service, episode=episode,
            family=episode.family, person=world.child if n % 2 else None, status=status,
            sent_at=first.sent_at, sent_by=world.worker, reason=ODD, decline_reason="Full")
    Organisation.objects.filter(pk=first.service.organisation_id).update(name=ODD)

    referrals = directory_selectors.episode_referrals(user=world.worker, episode=episode)
    assert len(referrals) == len(ReferralStatus.values) + 1
    assert rows.referral_rows(referrals) == _template(REFERRALS, {"referrals": referrals})


def test_the_chart_is_what_its_include_drew():
    chart = line_chart(title=ODD, categories=["Assessment", ODD, "Review 2"],
                       series={ODD: [3, 5, None], "Housing": [7, 8, 9]}, x_label=ODD,
                       y_label="Score", y_min=0, y_max=10)
    included = _template('{% include "includes/chart.html" with chart=chart %}',
                         {"chart": chart})
    assert rows.chart_figure(chart) == included
    assert "&lt;Tom &amp;" in included and "<svg" in included


def test_transitions_and_outcomes_are_what_the_template_drew():
    transitions = [
        Transition(kind=kind, date=days_ago(n), cin_code="N1", social_care_reference=reference,
                   reason=ODD)
        for n, (kind, reference) in enumerate([(k, r) for k in TransitionKind.values
                                               for r in (ODD, "")])
    ]  # fmt: skip
    outcomes = [PlanOutcome(text=ODD), PlanOutcome(text="B")]
    context = {"transitions": transitions, "outcomes": outcomes}
    assert rows.transition_insets(transitions) == _template(TRANSITIONS, context)
    assert rows.outcome_items(outcomes) == _template(OUTCOMES, context)


def test_instances_skip_init_only_for_models_whose_init_only_stores_values(monkeypatch):
    """core.prepared (and cases.selectors' list rows) build instances without Model.__init__
    only where __init__ would just store the values: a model with an __init__ or from_db of its
    own takes the normal path."""
    from earlyhelp.cases import selectors
    from earlyhelp.cases.models import TafMember
    from earlyhelp.core import prepared

    prepared.plain_init.cache_clear()
    assert prepared.plain_init(TafMember)
    original = TafMember.__init__

    def own_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.seen = True

    monkeypatch.setattr(TafMember, "__init__", own_init)
    prepared.plain_init.cache_clear()
    assert not prepared.plain_init(TafMember)
    made = selectors._made(TafMember, {"role": "x"})
    assert made.seen and made.role == "x"
    names = [f.attname for f in TafMember._meta.concrete_fields]
    row = dict.fromkeys(names)
    assert prepared.instance(TafMember, row).seen  # from_db calls __init__
    monkeypatch.undo()
    prepared.plain_init.cache_clear()
