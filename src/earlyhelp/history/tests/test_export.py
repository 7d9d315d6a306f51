"""Export writes the SSD tables; export then import into an empty database gives the same
dashboard figures and Annex A."""

import csv
import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection

from earlyhelp.core.models import Role
from earlyhelp.core.tests.factories import OrganisationFactory, TeamFactory, UserFactory
from earlyhelp.history import services
from earlyhelp.insights import annexa
from earlyhelp.people.models import Person
from earlyhelp.testing.reference import restore_shipped_data

from .conftest import SMALL
from .test_import import EXPECTED, figures

pytestmark = pytest.mark.django_db
INSPECTION = dt.date(2025, 10, 1)  # List 1: contacts since April 2025; List 2: open episodes


def annex_a() -> tuple[list, list]:
    return annexa.list_1_rows(INSPECTION), annexa.list_2_rows(INSPECTION)


def read(path):
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_export_writes_the_ssd_tables(manager, tmp_path, capsys):
    assert services.history_import(source=SMALL, acting_user=manager, source_system="Mosaic").ok
    call_command("history_export", str(tmp_path), user="importer")
    assert "ssd_early_help_episodes.csv: 6 rows" in capsys.readouterr().out
    episodes = read(tmp_path / "ssd_early_help_episodes.csv")
    assert {(r["earl_episode_start_date"], r["earl_episode_end_reason"]) for r in episodes} == {
        ("2025-01-20", "Outcomes met"), ("2025-09-15", "Step-up"), ("2026-03-01", ""),
        ("2025-02-20", "other"), ("2025-04-10", "")}
    cin = read(tmp_path / "ssd_cin_episodes.csv")
    assert [(r["cine_referral_id"], r["cine_referral_date"], r["cine_referral_source_code"],
             r["cine_close_reason"], r["cine_close_date"]) for r in cin] == [
        ("R1", "2025-12-01", "5D", "RC9", "2026-02-15")]
    people = read(tmp_path / "ssd_person.csv")
    amira = next(r for r in people if r["pers_forename"] == "Amira")
    assert (amira["pers_common_child_id"], amira["pers_legacy_id"], amira["pers_sex"]) == (
        "9434765919", "P1", "F")


def test_export_then_import_into_an_empty_database_gives_the_same_figures(
        manager, analyst, tmp_path):
    assert services.history_import(source=SMALL, acting_user=manager, source_system="Mosaic").ok
    before_figures, before_annex = figures(analyst), annex_a()
    assert before_figures == EXPECTED
    # List 1: C4 (Noah) and C2 (Amira). List 2 lists early help assessments, which the SSD
    # does not carry (docs/history.md): empty before and after.
    assert [row[0] for row in before_annex[0]] == ["P1", "P6"] and before_annex[1] == []
    services_export(manager, tmp_path)

    if connection.vendor == "postgresql":
        # The test's own transaction holds deferred foreign-key checks from the import;
        # PostgreSQL refuses to TRUNCATE tables with such pending trigger events.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    restore_shipped_data()
    assert Person.objects.count() == 0
    council = OrganisationFactory(name="Barnet Council", is_council=True)
    west = TeamFactory(name="Family Support West", organisation=council)
    TeamFactory(name="Family Support East", organisation=council)
    importer = UserFactory(username="importer2", role=Role.MANAGER, team=west)
    analyst = UserFactory(username="analyst2", role=Role.ANALYST, team=None, organisation=None)
    result = services.history_import(source=tmp_path, acting_user=importer,
                                     source_system="earlyhelp")
    assert result.ok, result.problems
    assert figures(analyst) == before_figures
    assert annex_a() == before_annex


def services_export(user, directory):
    from earlyhelp.history.exports import history_export

    return history_export(directory=directory, acting_user=user)


def test_the_export_reads_each_table_in_a_fixed_number_of_queries(
        manager, teams, tmp_path, django_assert_num_queries):
    """Not one or two queries per contact row, episode or transition: the subjects and focus
    children are read once for all of them."""
    from earlyhelp.history.exports import tables
    from earlyhelp.history.generate import generate

    assert services.history_import(source=SMALL, acting_user=manager, source_system="Mosaic").ok
    with django_assert_num_queries(9):
        small = tables()
    assert (len(small["ssd_contacts"]), len(small["ssd_early_help_episodes"])) == (4, 6)
    # Ten generated families more (20 contacts, 13 episodes, 3 step-ups): the same queries.
    generate(tmp_path / "generated", families=10)
    assert services.history_import(source=tmp_path / "generated", acting_user=manager,
                                   source_system="Generated").ok
    with django_assert_num_queries(9):
        more = tables()
    assert len(more["ssd_contacts"]) == 24 and len(more["ssd_cin_episodes"]) > 1
