"""The targeting pages: who may see them (others get a 404), decisions, downloads, audit."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from earlyhelp.core.models import AuditEvent, Role
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.targeting import services
from earlyhelp.targeting.models import ClericalDecision, ClericalReview, ReviewStatus
from earlyhelp.targeting.pipeline import run as pipeline_run

from .borough import REFERENCE, import_all, jessica_in_earlyhelp

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished_run(tmp_path, targeting_dir, analyst):
    import_all(tmp_path, analyst)
    jessica_in_earlyhelp()
    run = services.run_start(acting_user=analyst, reference_date=REFERENCE, enqueue=False)
    return pipeline_run.execute(run)


def client_for(user, csrf=False):
    return verified_login(Client(enforce_csrf_checks=csrf), user)


def first_family(run, code="phase-2"):
    return run.cohort.filter(criteria_set__code=code).order_by("-eligible").first()


def test_an_analyst_sees_runs_review_and_cohorts(finished_run, analyst):
    client = client_for(analyst)
    assert client.get(reverse("targeting:index")).status_code == 200
    page = client.get(reverse("targeting:run", args=[finished_run.pk]))
    assert page.status_code == 200 and b"Clerical review" in page.content
    queue = client.get(reverse("targeting:review_queue", args=[finished_run.pk]))
    assert queue.status_code == 200
    review = ClericalReview.objects.filter(run=finished_run).first()
    page = client.get(reverse("targeting:review", args=[finished_run.pk, review.pk]))
    assert page.status_code == 200
    assert b"How the match weight adds up" in page.content
    assert AuditEvent.objects.filter(
        action="view", object_type="targeting.clericalreview", object_id=str(review.pk)
    ).exists()
    family = first_family(finished_run)
    page = client.get(reverse("targeting:cohort", args=[finished_run.pk, "phase-2"]))
    assert page.status_code == 200 and family.household_key.encode() in page.content
    page = client.get(
        reverse("targeting:cohort_family", args=[finished_run.pk, "phase-2", family.household_key])
    )
    assert page.status_code == 200
    assert b"Evidence" in page.content
    assert AuditEvent.objects.filter(
        action="view", object_type="targeting.cohortfamily", object_id=str(family.pk)
    ).exists()


def test_the_explanation_page_shows_each_comparison_and_its_weight(finished_run, analyst):
    client = client_for(analyst)
    family = first_family(finished_run)
    page = client.get(
        reverse("targeting:cohort_family", args=[finished_run.pk, "phase-2", family.household_key])
    )
    links = list(page.context["links"])
    assert links, "Jessica's records were linked"
    link = links[0]
    page = client.get(
        reverse(
            "targeting:explain", args=[finished_run.pk, link["profile_id_l"], link["profile_id_r"]]
        )
    )
    assert page.status_code == 200
    comparisons = [c.comparison for c in page.context["contributions"]]
    assert comparisons == [
        "First name",
        "Surname",
        "Date of birth",
        "Sex",
        "Postcode and address",
        "NHS number",
        "Unique pupil number",
    ]
    total = page.context["prior_weight"] + sum(c.weight for c in page.context["contributions"])
    assert total == pytest.approx(page.context["pair"]["match_weight"], abs=0.05)
    assert AuditEvent.objects.filter(
        action="view",
        object_type="targeting.link",
        object_id=f"{link['profile_id_l']}:{link['profile_id_r']}",
    ).exists()


@pytest.mark.parametrize(
    "role", [Role.WORKER, Role.PARTNER, Role.FRONT_DOOR, Role.PANEL_MEMBER, Role.ADMIN]
)
def test_other_roles_get_not_found_everywhere(finished_run, role):
    user = UserFactory(username=f"u-{role}", role=role)
    client = client_for(user)
    family = first_family(finished_run)
    review = ClericalReview.objects.filter(run=finished_run).first()
    for url in [
        reverse("targeting:index"),
        reverse("targeting:run", args=[finished_run.pk]),
        reverse("targeting:review_queue", args=[finished_run.pk]),
        reverse("targeting:review", args=[finished_run.pk, review.pk]),
        reverse("targeting:cohort", args=[finished_run.pk, "phase-2"]),
        reverse("targeting:cohort", args=[finished_run.pk, "phase-2"]) + "?download=csv",
        reverse("targeting:cohort_family", args=[finished_run.pk, "phase-2", family.household_key]),
    ]:
        assert client.get(url).status_code == 404, url
    assert not AuditEvent.objects.filter(user=user, action__in=["view", "export"]).exists()


def test_a_manager_sees_cohorts_but_not_record_matching(finished_run, manager):
    client = client_for(manager)
    family = first_family(finished_run)
    assert (
        client.get(reverse("targeting:cohort", args=[finished_run.pk, "phase-2"])).status_code
        == 200
    )
    page = client.get(
        reverse("targeting:cohort_family", args=[finished_run.pk, "phase-2", family.household_key])
    )
    assert page.status_code == 200 and b"Links between these records" not in page.content
    review = ClericalReview.objects.filter(run=finished_run).first()
    assert (
        client.get(reverse("targeting:review", args=[finished_run.pk, review.pk])).status_code
        == 404
    )
    assert client.get(reverse("targeting:review_queue", args=[finished_run.pk])).status_code == 404
    response = client.post(reverse("targeting:index"), {"backend": "duckdb"})
    assert response.status_code == 404


def test_a_guessed_household_or_run_is_not_found(finished_run, analyst):
    client = client_for(analyst)
    assert (
        client.get(
            reverse("targeting:cohort_family", args=[finished_run.pk, "phase-2", "0000000000"])
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("targeting:cohort", args=[finished_run.pk, "nope"])).status_code == 404
    )
    import uuid

    assert client.get(reverse("targeting:run", args=[uuid.uuid4()])).status_code == 404


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_cohort_downloads_without_names_and_is_audited(finished_run, analyst, kind):
    client = client_for(analyst)
    url = reverse("targeting:cohort", args=[finished_run.pk, "phase-2"])
    response = client.get(url, {"download": kind, "eligible": "yes"})
    assert response.status_code == 200
    assert f'filename="cohort-phase-2-2026-03-31.{kind}"' in response["Content-Disposition"]
    if kind == "csv":
        text = response.content.decode()
    else:
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        text = "\n".join(
            ",".join(str(c) for c in row) for row in book.active.iter_rows(values_only=True)
        )
    assert "Household,Postcode district" in text
    for name in ("Jessica", "BROWN", "Khan", "KHAN"):
        assert name not in text
    assert AuditEvent.objects.filter(action="export", user=analyst).count() == 1


def test_a_decision_needs_an_answer_and_a_csrf_token(finished_run, analyst):
    review = ClericalReview.objects.filter(run=finished_run).first()
    url = reverse("targeting:review", args=[finished_run.pk, review.pk])
    client = client_for(analyst, csrf=True)
    assert client.post(url, {"decision": "accept"}).status_code == 403  # no token
    page = client.get(url)
    token = page.context["csrf_token"]
    response = client.post(url, {"csrfmiddlewaretoken": str(token)})
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert b"Select whether these records are the same person" in response.content
    assert not ClericalDecision.objects.exists()
    response = client.post(
        url,
        {"csrfmiddlewaretoken": str(token), "decision": "reject", "reason": "Different mothers"},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.REJECTED
    decision = ClericalDecision.objects.get()
    assert (decision.accepted, decision.reason, decision.decided_by) == (
        False,
        "Different mothers",
        analyst,
    )
    assert AuditEvent.objects.filter(
        action="create", object_type="targeting.clericaldecision"
    ).exists()


def test_starting_a_run_from_the_page(
    targeting_dir, analyst, tmp_path, django_capture_on_commit_callbacks
):
    import_all(tmp_path, analyst)
    client = client_for(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("targeting:index"),
            {
                "reference_date_day": "31",
                "reference_date_month": "3",
                "reference_date_year": "2026",
                "backend": "duckdb",
            },
        )
    assert response.status_code == 302
    from earlyhelp.targeting.models import TargetingRun

    run = TargetingRun.objects.get()
    assert run.status == "finished"  # the test settings run tasks at once
    assert run.requested_by == analyst
    assert response["Location"] == reverse("targeting:run", args=[run.pk])
    run_page = client.get(reverse("targeting:run", args=[run.pk]))
    assert b"Finished" in run_page.content
    # One run at a time: while one waits for the worker, another is refused.
    assert client.post(reverse("targeting:index"), {"backend": "duckdb"}).status_code == 302
    response = client.post(reverse("targeting:index"), {"backend": "duckdb"})
    assert response.status_code == 400
    assert b"already queued or running" in response.content
    assert TargetingRun.objects.count() == 2


def test_a_bad_reference_date_is_refused_and_nothing_starts(targeting_dir, analyst):
    client = client_for(analyst)
    response = client.post(
        reverse("targeting:index"),
        {
            "reference_date_day": "31",
            "reference_date_month": "2",
            "reference_date_year": "2026",
            "backend": "duckdb",
        },
    )
    assert response.status_code == 400
    assert b"The reference date must be a real date" in response.content
    from earlyhelp.targeting.models import TargetingRun

    assert not TargetingRun.objects.exists()


def _brown_household(run):
    families = run.cohort.filter(criteria_set__code="phase-2", known_to_early_help=True)
    return next((f for f in families if f.earlyhelp_family_ids), None)


def test_the_family_record_link_opens_for_who_may_see_it(finished_run, analyst):
    """The household's earlyhelp family record: a link that resolves for the manager of the team
    working with the family; for the analyst (no casework), a sentence and no link or name."""
    from earlyhelp.cases.models import Episode

    family = _brown_household(finished_run)
    assert family is not None, "Jessica's household is known to early help"
    episode = Episode.objects.get(family_id=family.earlyhelp_family_ids[0])
    url = reverse(
        "targeting:cohort_family", args=[finished_run.pk, "phase-2", family.household_key]
    )
    link = reverse("web:family_detail", args=[episode.family_id])

    theirs = client_for(UserFactory(username="their-manager", role=Role.MANAGER, team=episode.team))
    page = theirs.get(url)
    assert page.status_code == 200
    assert link.encode() in page.content and b"Brown household" in page.content
    assert theirs.get(link).status_code == 200

    other = client_for(analyst)
    assert other.get(link).status_code == 404
    page = other.get(url)
    assert page.status_code == 200
    assert link.encode() not in page.content and b"Brown household" not in page.content
    assert b"a family record in earlyhelp for this household that you may not open" in (
        page.content
    )


def test_the_household_page_shows_names_not_codes(finished_run, analyst):
    family = _brown_household(finished_run)
    page = client_for(analyst).get(
        reverse("targeting:cohort_family", args=[finished_run.pk, "phase-2", family.household_key])
    )
    text = page.content.decode()
    assert "early_help,earlyhelp" not in text and "earlyhelp,early_help" not in text
    assert "Early help episodes (Early help)" in text and "People in earlyhelp" in text
    import re

    uuid_re = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    assert not re.search(r"EH\d{6}/" + uuid_re, text)


def test_records_are_shown_by_a_reference_a_person_can_read():
    from earlyhelp.targeting.selectors import record_reference

    person = "0b5e7c1c-8a1e-4a43-9a53-5d7f1c2b9e11"
    assert record_reference("early_help", f"EH000597/{person}") == "Episode EH000597"
    assert record_reference("earlyhelp", f"{person}/{person}") == "Person in earlyhelp"
    assert record_reference("police", "POL00000012") == "POL00000012"
    assert record_reference("police", "") == "Household member"


def test_a_bad_run_or_cohort_code_gets_the_service_404_page_even_in_debug(
    finished_run, analyst, settings
):
    import uuid

    settings.DEBUG = True
    client = client_for(analyst)
    for url in [
        reverse("targeting:cohort", args=[finished_run.pk, "nope"]),
        reverse("targeting:run", args=[uuid.uuid4()]),
        reverse("targeting:cohort", args=[uuid.uuid4(), "phase-2"]),
    ]:
        page = client.get(url)
        assert page.status_code == 404, url
        assert b"Page not found" in page.content and b"govuk-heading-l" in page.content
        assert b"Using the URLconf" not in page.content and b"technical" not in page.content
