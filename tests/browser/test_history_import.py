"""In a real browser, axe-checked: a team manager uploads an SSD extract with a bad row (every
problem listed, nothing written), then the corrected files – the task worker (immediate under
test) checks and imports them and the run's page reports; a doubtful match goes to review and
an administrator decides it (issue 13)."""

import datetime as dt
from pathlib import Path

import pytest

from earlyhelp.core.models import Role
from earlyhelp.core.tests.factories import OrganisationFactory, TeamFactory, UserFactory
from earlyhelp.history.models import Decision, MatchReview
from earlyhelp.people.models import Person
from earlyhelp.people.tests.factories import MembershipFactory, PersonFactory

from .support import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SMALL = Path(__file__).resolve().parents[2] / "src/earlyhelp/history/tests/fixtures/small"


def test_upload_report_import_and_review(checked_page, tmp_path, settings):
    settings.EARLYHELP_HISTORY_DIR = str(tmp_path / "staged")
    council = OrganisationFactory(name="Barnet Council", is_council=True)
    west = TeamFactory(name="Family Support West", organisation=council)
    TeamFactory(name="Family Support East", organisation=council)
    manager = UserFactory(username="importer", role=Role.MANAGER, team=west)
    admin = UserFactory(username="admin1", role=Role.ADMIN, team=None)
    # Lily Evans is here already, a digit out on her date of birth, sex not recorded: doubtful.
    lily = PersonFactory(given_name="Lily", family_name="Evans", sex="U", nhs_number="", upn="",
                         date_of_birth=dt.date(2016, 9, 8))
    MembershipFactory(person=lily, family__postcode="N20 0XX", start_date=lily.date_of_birth)
    bad = tmp_path / "bad"
    bad.mkdir()
    for path in SMALL.glob("*.csv"):
        (bad / path.name).write_bytes(path.read_bytes())
    person_csv = bad / "ssd_person.csv"
    person_csv.write_text(person_csv.read_text().replace("P2,Bilal,Khan,M", "P2,Bilal,Khan,X"))

    page = checked_page()
    sign_in(page, manager)
    page.goto("/history/import/")
    page.fill("System the extract came from", "Mosaic")
    page.page.set_input_files("#files", sorted(str(p) for p in bad.glob("*.csv")))
    page.click_button("Check and import")
    assert "1 problem in the extract: nothing was imported" in page.error_summary()
    assert "pers_sex" in page.page.locator("#problems").inner_text()
    assert Person.objects.count() == 1

    page.click_link("Import history")
    page.fill("System the extract came from", "Mosaic")
    page.page.set_input_files("#files", sorted(str(p) for p in SMALL.glob("*.csv")))
    page.click_button("Check and import")
    content = page.page.content()
    assert "History imported" in content and "1 doubtful match sent to review" in content
    assert "ssd_person.csv" in page.page.locator("#provenance").inner_text()
    sign_out(page)

    sign_in(page, admin)
    page.goto("/history/reviews/")
    page.click_link("Lily")
    assert page.heading() == "Is this the same person?"
    page.choose("The same person: link the incoming record to", exact=False)
    page.click_button("Save decision")
    assert "will be linked" in page.page.content()
    assert MatchReview.objects.get().decision == Decision.LINK
