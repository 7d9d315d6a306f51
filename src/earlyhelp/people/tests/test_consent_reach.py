"""Whose consent covers whom: each refusal at its edge, and what is covered."""

import pytest

from earlyhelp.people.rules import consent_does_not_reach


def reach(giver_age, person_age, *, parental=True, is_giver=False):
    return consent_does_not_reach(
        giver_age=giver_age, giver_has_parental_responsibility=parental,
        person_age=person_age, is_giver=is_giver,
    )


def test_a_parent_decides_for_children_under_16_only():
    assert reach(35, 0) == ""
    assert reach(35, 15) == ""
    assert reach(35, 16) == "a young person aged 16 or over gives their own consent"
    assert reach(35, 17) == "a young person aged 16 or over gives their own consent"
    assert reach(35, 18) == "an adult gives their own consent"
    assert reach(None, 9) == ""  # an adult whose date of birth is not recorded


def test_consent_is_never_assumed_for_someone_of_unknown_age():
    assert reach(35, None) == "an adult gives their own consent"


def test_anyone_covers_themselves():
    assert reach(17, 17, is_giver=True) == ""
    assert reach(13, 13, is_giver=True) == ""  # judged competent (Gillick)
    assert reach(40, 40, is_giver=True) == ""


@pytest.mark.parametrize("giver_age", [13, 16, 17])
def test_a_young_person_covers_only_themselves(giver_age):
    assert reach(giver_age, 5) == "a young person's consent covers only themselves"


def test_without_parental_responsibility_a_child_is_not_covered():
    assert reach(35, 8, parental=False) == (
        "the person who gave consent does not have parental responsibility")
