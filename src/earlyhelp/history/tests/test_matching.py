"""Matching incoming people to people already here: identifiers first, then the linkage model's
score – link at or above the upper threshold, review between the thresholds, new below – and
the administrator's review of the doubtful ones (issue 13)."""

import datetime as dt

import pytest

from earlyhelp.access.policy import NotAllowed
from earlyhelp.cases.models import Episode
from earlyhelp.core.models import AuditEvent, Role
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.history import matching, services
from earlyhelp.history.models import Decision, MatchReview, SourceRecord
from earlyhelp.people.models import Family, Membership, Person
from earlyhelp.people.tests.factories import MembershipFactory, PersonFactory

from .conftest import SMALL

pytestmark = pytest.mark.django_db
LILY = matching.Side("Lily", "Evans", dt.date(2016, 9, 9), "F", "N20 0XX", "7 Station Road")


@pytest.fixture
def admin(db):
    return UserFactory(username="admin1", role=Role.ADMIN, team=None)


def lily_here(*, dob=dt.date(2016, 9, 8), sex="F", postcode="N20 0XX", given="Lily",
              line="1 Other Road") -> Person:
    """Someone already in earlyhelp, in a household at `postcode`."""
    person = PersonFactory(given_name=given, family_name="Evans", date_of_birth=dob, sex=sex,
                           nhs_number="", upn="")
    MembershipFactory(person=person, family__postcode=postcode, family__address_line_1=line,
                      start_date=dob)
    return person


def run(manager):
    return services.history_import(source=SMALL, acting_user=manager, source_system="Mosaic")


# -- the bands at their edges -----------------------------------------------------------------

def test_the_bands_at_the_thresholds():
    assert matching.band(matching.UPPER) == matching.LINK
    assert matching.band(0.9499999) == matching.REVIEW
    assert matching.band(matching.LOWER) == matching.REVIEW
    assert matching.band(0.4999999) == matching.NEW


def score(**candidate) -> float:
    side = matching.Side(**{"given_name": "Lily", "family_name": "Evans",
                            "date_of_birth": dt.date(2016, 9, 8), "sex": "F", **candidate})
    return matching.compare(LILY, side)[0]


def test_pairs_either_side_of_each_threshold():
    # A date of birth one digit out, at the same postcode: just above the upper threshold...
    assert 0.95 <= score(postcode="N20 0XX", address="1 Other Road") < 0.98
    # ... and without the sex to compare, just below it.
    assert 0.90 < score(postcode="N20 0XX", address="1 Other Road", sex="U") < 0.95
    # The same, in the same postcode district only: just above the lower threshold...
    assert 0.5 <= score(postcode="N20 9ZZ", address="1 Other Road") < 0.55
    # ... and somewhere else altogether: just below it.
    assert 0.45 < score(postcode="SE1 1AA", address="1 Other Road") < 0.5


def test_twins_score_as_one_child_but_are_never_linked():
    rose = matching.Side("Rose", "Evans", dt.date(2016, 9, 9), "F", "N20 0XX", "7 Station Road")
    probability, comparisons = matching.compare(LILY, rose)
    assert probability > 0.99
    assert matching.band(probability, comparisons) == matching.REVIEW
    assert [c.level for c in comparisons if not c.agrees] == ["Different first names"]


# -- the bands in an import -------------------------------------------------------------------

def test_above_the_upper_threshold_the_person_is_linked_not_duplicated(manager):
    lily = lily_here()
    result = run(manager)
    assert result.ok and result.matched == 1 and result.reviews == 0 and result.waiting == 0
    assert SourceRecord.objects.get(table="ssd_person", source_id="P5").object_id == str(lily.pk)
    assert Person.objects.filter(given_name="Lily").count() == 1
    evans = Family.objects.get(memberships__person__given_name="Tom")
    assert Membership.objects.filter(family=evans, person=lily).exists()


def test_just_below_the_upper_threshold_goes_to_review_and_holds_the_household_back(manager):
    lily = lily_here(sex="U")
    result = run(manager)
    assert result.ok and result.matched == 0 and result.reviews == 1
    assert result.waiting == 2  # Lily and Tom, her household (F2)
    assert not Person.objects.filter(given_name__in=["Tom", "Lily"]).exclude(pk=lily.pk).exists()
    assert not SourceRecord.objects.filter(source_id__in=["P4", "P5", "F2", "E4", "C3"]).exists()
    [review] = MatchReview.objects.all()
    assert review.candidate == lily and not review.resolved and 0.9 < review.score < 0.95
    assert review.incoming["postcode"] == "N20 0XX"  # Tom's address: the household's
    assert {c["name"] for c in review.comparisons if c["weight"] > 0} == {
        "First name", "Surname", "Date of birth", "Postcode and address"}
    # The rest of the extract came in.
    assert result.created["people"] == 4 and Episode.objects.count() == 4


def test_just_above_the_lower_threshold_goes_to_review(manager):
    lily = lily_here(postcode="N20 9ZZ")
    result = run(manager)
    assert result.reviews == 1 and MatchReview.objects.get().candidate == lily


def test_below_the_lower_threshold_is_a_new_person(manager):
    lily_here(postcode="SE1 1AA")
    result = run(manager)
    assert result.ok and result.matched == 0 and result.reviews == 0
    assert Person.objects.filter(given_name="Lily").count() == 2


def test_a_twin_already_here_is_not_taken_for_the_incoming_child(manager):
    rose = lily_here(given="Rose", dob=dt.date(2016, 9, 9), line="7 Station Road")
    result = run(manager)
    assert result.matched == 0 and result.reviews == 1
    assert MatchReview.objects.get().candidate == rose


# -- the review: decisions, and the next import ------------------------------------------------

def decide(client, review, answer):
    return client.post(f"/history/reviews/{review.pk}/", {"decision": answer})


def test_accepted_the_next_import_links_and_brings_the_household(manager, admin, client):
    lily = lily_here(sex="U")
    run(manager)
    review = MatchReview.objects.get()
    verified_login(client, admin)
    page = client.get(f"/history/reviews/{review.pk}/").content.decode()
    assert "Is this the same person?" in page and "N20 0XX" in page
    response = decide(client, review, "link")
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.resolved, review.decision, review.decided_by) == (True, Decision.LINK, admin)
    assert AuditEvent.objects.filter(object_id=str(review.pk), user=admin,
                                     reason__contains="linked").exists()
    again = run(manager)
    assert again.ok and again.matched == 1 and again.reviews == 0 and again.waiting == 0
    assert SourceRecord.objects.get(table="ssd_person", source_id="P5").object_id == str(lily.pk)
    assert Person.objects.filter(given_name="Lily").count() == 1
    assert Episode.objects.count() == 5  # E4, Tom's, came in with the household
    assert MatchReview.objects.count() == 1  # not asked again


def test_rejected_the_next_import_creates_a_new_person(manager, admin, client):
    lily = lily_here(sex="U")
    run(manager)
    verified_login(client, admin)
    assert decide(client, MatchReview.objects.get(), "new").status_code == 302
    again = run(manager)
    assert again.ok and again.matched == 0 and again.created["people"] == 2  # Tom and Lily
    new = Person.objects.get(given_name="Lily", sex="F")
    assert new != lily
    assert SourceRecord.objects.get(table="ssd_person", source_id="P5").object_id == str(new.pk)


def test_an_undecided_review_holds_the_person_back_again_without_a_second_row(manager):
    lily_here(sex="U")
    run(manager)
    again = run(manager)
    assert again.ok and again.reviews == 0 and again.waiting == 2
    assert MatchReview.objects.count() == 1
    assert not Person.objects.filter(given_name="Tom").exists()


def test_the_list_shows_who_waits(manager, admin, client):
    lily_here(sex="U")
    run(manager)
    verified_login(client, admin)
    page = client.get("/history/reviews/").content.decode()
    assert "1 incoming person waiting" in page and "Mosaic P5" in page


# -- refusals --------------------------------------------------------------------------------

def test_only_administrators_review(manager, client):
    lily_here(sex="U")
    run(manager)
    review = MatchReview.objects.get()
    verified_login(client, manager)
    assert client.get("/history/reviews/").status_code == 403
    assert client.get(f"/history/reviews/{review.pk}/").status_code == 403
    assert decide(client, review, "link").status_code == 403
    review.refresh_from_db()
    assert not review.resolved
    with pytest.raises(NotAllowed):
        services.review_decide(review=review, same_person=True, acting_user=manager)


def test_signed_out_is_sent_to_sign_in(client):
    assert client.get("/history/reviews/").status_code == 302


def test_a_decision_must_be_chosen_and_is_made_once(manager, admin, client):
    lily_here(sex="U")
    run(manager)
    review = MatchReview.objects.get()
    verified_login(client, admin)
    response = decide(client, review, "")
    assert response.status_code == 400
    assert "Select whether this is the same person" in response.content.decode()
    assert decide(client, review, "new").status_code == 302
    response = decide(client, review, "link")
    assert response.status_code == 409
    review.refresh_from_db()
    assert review.decision == Decision.NEW


def test_an_unknown_review_is_not_found(admin, client):
    verified_login(client, admin)
    assert client.get("/history/reviews/00000000-0000-0000-0000-000000000000/").status_code == 404
