"""The whole journey in a real browser, as new users would walk it, with axe-core on every page.

A school's lead raises a request; the front door triages it to early help; the manager allocates
a worker, who completes a whole-family assessment, builds a plan, holds two reviews and closes
with needs met. A second family is stepped up to children's social care."""

import datetime as dt

import pytest

from earlyhelp.cases import services as cases
from earlyhelp.cases.models import ClosureOutcome, Episode, EpisodeStatus, Transition
from earlyhelp.core import dates
from earlyhelp.core.models import Role
from earlyhelp.core.tests.factories import (
    CouncilServiceFactory,
    OrganisationFactory,
    SchoolFactory,
    TeamFactory,
    UserFactory,
)
from earlyhelp.frontdoor import services as frontdoor
from earlyhelp.frontdoor.models import Contact
from earlyhelp.people.tests.factories import (
    AdultFactory,
    ConsentFactory,
    FamilyFactory,
    MembershipFactory,
    PersonFactory,
)
from earlyhelp.plans.models import Review
from earlyhelp.thresholds.models import Indicator, NeedTheme, ThresholdModel

from .support import sign_in, sign_out

# Transactional (the live server runs in another thread). Browser tests run last, so the flush
# after them cannot remove reference data other tests need; the fixture reloads it if missing.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _reference_data():
    if not ThresholdModel.objects.filter(is_default=True).exists():
        from earlyhelp.thresholds.reference import load_reference_data

        load_reference_data()
    return ThresholdModel.objects.get(is_default=True)


def _household(name, child_name, child_born, parent_name):
    family = FamilyFactory(name=f"{name} household", postcode="EN5 2BB")
    child = PersonFactory(given_name=child_name, family_name=name, date_of_birth=child_born)
    parent = AdultFactory(
        given_name=parent_name, family_name=name, date_of_birth=dt.date(1989, 6, 2)
    )
    MembershipFactory(family=family, person=child, role="child", start_date=child_born)
    MembershipFactory(
        family=family,
        person=parent,
        role="parent_carer",
        relationship="mother",
        start_date=dt.date(2010, 1, 1),
    )
    for person in (child, parent):
        ConsentFactory(person=person, kind="engage")
        ConsentFactory(person=person, kind="share")
    return family, child, parent


@pytest.fixture
def borough():
    model = _reference_data()
    service = CouncilServiceFactory(name="Early Help and Prevention")
    council = OrganisationFactory(name="Borough Council")
    school = SchoolFactory(name="Oak Hill Primary School")
    team = TeamFactory(name="5-18 early help team", organisation=council, service=service)
    people = {
        "partner": UserFactory(
            username="jo.lead",
            first_name="Jo",
            last_name="Lead",
            role=Role.PARTNER,
            team=None,
            organisation=school,
            job_title="Designated safeguarding lead",
        ),
        "front_door": UserFactory(
            username="sam.triage",
            first_name="Sam",
            last_name="Okafor",
            role=Role.FRONT_DOOR,
            team=team,
        ),
        "worker": UserFactory(
            username="alex.worker",
            first_name="Alex",
            last_name="Morgan",
            role=Role.WORKER,
            team=team,
        ),
        "manager": UserFactory(
            username="priya.manager",
            first_name="Priya",
            last_name="Shah",
            role=Role.MANAGER,
            team=team,
        ),
    }
    khan, aisha, _ = _household("Khan", "Aisha", dt.date(2016, 3, 14), "Samira")
    return {
        "model": model,
        "team": team,
        "council": council,
        "school": school,
        "khan": khan,
        "aisha": aisha,
        **people,
    }


def test_request_to_closure_with_needs_met(borough, checked_page):
    b = borough
    # 1. A school's designated safeguarding lead raises a request for support.
    page = sign_in(checked_page(), b["partner"])
    page.click_link("Request support for a family")
    page.click_button("Search")  # nothing entered: the server explains what it needs
    assert "Enter an NHS number, a unique pupil number, or a name and date of birth" in (
        page.error_summary()
    )
    page.fill("Name", "Aisha Khan").fill_date("id_date_of_birth", 14, 3, 2016)
    page.click_button("Search")
    assert "1 person found" in page.inner_text("main")
    page.click_button("Add Aisha Khan to the request")
    page.click_link("Add someone we did not find")
    page.click_button("Add this person")  # empty: errors, nothing added
    assert "Enter their first name" in page.error_summary()
    page.fill("First name", "Bilal").fill("Last name", "Khan").fill_date(
        "id_date_of_birth", 2, 9, 2022
    )
    page.choose("Child").choose("Yes")
    page.click_button("Add this person")
    page.click_link("Continue")
    assert page.heading() == "About the request"
    page.fill(
        "What are your concerns?",
        "Aisha's attendance has fallen to 82%. She says her "
        "mum is sad and there is shouting at home.",
    )
    page.locator("input[name=family_consents_to_request][value=yes]").check()
    page.locator("input[name=family_consents_to_share][value=yes]").check()
    page.click_button("Continue")  # who answered for the family is missing
    assert "Select who answered for the family" in page.error_summary()
    page.choose("Someone else with parental responsibility")
    page.fill("Their name and relationship to the children", "Samira Khan, mother")
    today = dates.today()
    page.fill_date("id_consent_given_on", today.day, today.month, today.year)
    page.fill("Who did they agree information may be shared with?",
              "School, health visitor and the early help service")
    page.click_button("Continue")
    assert page.heading() == "Check your answers before sending the request"
    covers = page.locator("#consent-covers").inner_text()
    assert "Aisha Khan: recorded" in covers and "Bilal Khan: recorded" in covers
    page.click_button("Send the request")
    assert page.heading() == "Request for support sent"
    contact = Contact.objects.get(family=b["khan"])
    assert contact.contact_people.count() == 2
    # The school may not change the household: Bilal waits on the request for the front door.
    assert b["khan"].memberships.count() == 2
    bilal = contact.contact_people.get(person__given_name="Bilal")
    assert bilal.joins_household and bilal.joins_as == "child"
    sign_out(page)

    # 2. The front door triages it to early help, guided by the threshold model.
    page = sign_in(checked_page(), b["front_door"])
    page.click_link("Open the front door queue")
    page.click_link(contact.reference)
    page.click_button("Record the decision")  # nothing chosen: errors, nothing saved
    assert "Select the level of need" in page.error_summary()
    indicator = Indicator.objects.filter(level__model=b["model"], level__rank=2).first()
    page.get_by_text(indicator.domain.name, exact=True).click()  # open its domain
    page.get_by_label(indicator.text, exact=True).check()
    page.locator("#suggested-level").get_by_text("Suggested level: 2").wait_for()
    page.choose(f"2 – {indicator.level.name}").choose("Early help")
    page.select("Team to hold the early help episode", "5-18 early help team")
    page.choose("Amber")
    page.fill(
        "Rationale for the decision",
        "Additional needs across school and home; the family agree to early help.",
    )
    assert "New to the household" in page.inner_text("main")
    page.click_button("Record the decision")
    episode = Episode.objects.get(family=b["khan"])
    assert b["khan"].memberships.count() == 3  # Bilal placed by the decision: no duplicate
    assert page.heading() == f"Early help episode {episode.reference}"
    sign_out(page)

    # 3. The team manager allocates a lead practitioner.
    page = sign_in(checked_page(), b["manager"])
    assert "Episodes without a lead practitioner" in page.inner_text("main")
    page.click_link("Team", exact=True)
    page.click_link("unallocated episodes")
    page.click_link(f"Allocate {episode.reference}")
    page.select("Lead practitioner", "Alex Morgan (5-18 early help team)")
    page.click_button("Allocate")
    assert "Alex Morgan is now the lead practitioner" in page.inner_text("main")
    sign_out(page)

    # 4. The worker: whole-family assessment, plan, two reviews, closure with needs met.
    page = sign_in(checked_page(), b["worker"])
    page.click_link("Open your caseload")
    page.click_link(episode.reference)
    page.click_link("Start the assessment")
    page.click_button("Start the assessment")
    assert page.heading() == "Early help assessment"
    for name in ("Samira Khan", "Aisha Khan", "Bilal Khan"):
        page.click_link(f"{name}: needs and strengths")
        page.fill("Needs: child's developmental needs", f"{name}: sleep and routines.")
        page.fill("Strengths: parenting capacity", "Warm, loving relationships.")
        page.fill("Needs: family and environmental factors", "Rent arrears since March.")
        page.click_button("Save and return to the assessment")
    page.click_link("Presenting needs")
    theme = NeedTheme.objects.filter(is_active=True).order_by("order", "name").first()
    page.select("Need", theme.name)
    page.choose("3")
    page.click_button("Add the need")
    page.click_link("Return to the assessment")
    page.click_link("Voice of the child and the family's view")
    page.fill("The voice of the child", "Aisha: 'I want Mum to be happy and to go to school.'")
    page.click_button("Save and return to the assessment")
    page.click_link("Check and complete the assessment")
    page.click_button("Complete the assessment")
    assert "The early help assessment is complete" in page.inner_text("main")

    page.click_link("Start the plan")
    page.click_button("Start the plan")
    page.fill("What does the family want to be different?", "Aisha goes to school every day.")
    page.click_button("Save and return to the episode")
    page.click_link("Add an action")
    page.fill("Action", "Agree a morning routine and a school-run rota.")
    page.fill("Owner's name", "Samira Khan")
    due = dates.today() + dt.timedelta(days=28)
    page.fill_date("id_due_date", *due.strftime("%d %m %Y").split())
    page.click_button("Save and return to the episode")

    for score in ("5", "8"):
        page.click_link("Record a review")
        page.fill("Who attended", "Samira Khan\nAlex Morgan\nJo Lead")
        page.choose(score)
        page.fill("Summary of progress", f"Attendance improving; score {score}.")
        page.click_button("Save the review")
        assert "Review recorded" in page.inner_text("main")
    assert Review.objects.filter(episode=episode).count() == 2
    chart = page.locator("svg[role=img]")
    assert "Distance travelled" in chart.get_attribute("aria-label")
    assert page.locator("table:below(svg[role=img])").first.is_visible()

    page.click_link("Close the episode")
    page.choose("Needs met – outcomes achieved")
    page.fill("Closure summary", "Attendance at 97%; routines in place.")
    page.click_button("Continue")  # the plan's action is still open: say what happens to it
    assert "Say what happens to the action" in page.error_summary()
    page.choose("Done – it was completed")
    page.click_button("Continue")
    assert page.heading() == "Check your answers before closing the episode"
    page.click_button("Close the episode")
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED
    assert episode.closure_outcome == ClosureOutcome.NEEDS_MET
    page.click_link("Family record")
    assert "closed" in page.inner_text("#timeline")


def test_second_family_stepped_up(borough, checked_page):
    b = borough
    family, child, _ = _household("Novak", "Luka", dt.date(2014, 11, 2), "Ana")
    contact = frontdoor.contact_create(
        acting_user=b["partner"],
        family=family,
        people=[child],
        source="2A",
        referrer_name="Jo Lead",
        concerns="Bruising seen on Luka's arm.",
        family_consents_to_request="yes",
        family_consents_to_share="yes",
    )
    level = b["model"].levels.get(rank=3)
    episode = frontdoor.contact_triage(
        contact=contact,
        acting_user=b["front_door"],
        outcome="early_help",
        threshold_model=b["model"],
        level=level,
        rag="amber",
        rationale="Targeted support.",
        routed_team=b["team"],
    ).episode
    cases.episode_allocate(episode=episode, lead_practitioner=b["worker"], acting_user=b["manager"])

    page = sign_in(checked_page(), b["worker"])
    page.goto(f"/episodes/{episode.pk}/")
    # Needs met is refused without a completed assessment; the page says why and nothing changes.
    page.click_link("Close the episode")
    page.choose("Needs met – outcomes achieved")
    page.fill("Closure summary", "Trying to close too early.")
    page.click_button("Continue")
    page.click_button("Close the episode")
    assert "only close as 'needs met' after an early help assessment" in page.error_summary()
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN

    page.goto(f"/episodes/{episode.pk}/")
    page.click_link("Step up to children's social care")
    page.fill("Why is the family being stepped up?", "New disclosure: risk of significant harm.")
    page.fill("Children's social care reference (if known)", "CSC-20931")
    page.click_button("Continue")
    assert page.heading() == "Check your answers before stepping up"
    page.click_button("Step up and close the episode")
    episode.refresh_from_db()
    assert episode.closure_outcome == ClosureOutcome.STEPPED_UP
    transition = Transition.objects.get(episode=episode)
    assert transition.cin_code == "5D" and transition.social_care_reference == "CSC-20931"
