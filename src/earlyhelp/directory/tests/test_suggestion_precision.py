"""Suggestions measured against a labelled set: needs -> the services a practitioner would choose.

The directory below is a borough's ordinary mix (specialist services for one need, a generalist
family support service that lists many needs, mediation and couples work that must never reach a
family living with domestic abuse). Each labelled family lists its needs with their latest scores
(1 serious concern .. 10 none), the household's ages, and the services an early help practitioner
would be content to see in the first three places. The labels were written from practice, before
the ranking was run against them; they are not fitted to it.

Precision of the top three = share of the first three suggestions that are in the family's
labelled set (out of two where only two services are right), averaged over the families. The
ranking by "most needs covered first" that came before is measured on the same set, in the same
run, so the figure is a comparison, not a boast.
"""

import pytest

from earlyhelp.thresholds.models import NeedTheme

from ..matching import FamilyProfile, Member, suggest_services
from .factories import ServiceFactory

# name: (themes, unsafe with, (minimum age, maximum age), waiting days, EIF evidence rating)
DIRECTORY = {
    "Domestic abuse outreach (IDVA)": (["dv"], [], (16, None), 7, None),
    "Children's domestic abuse recovery group": (["dv"], [], (5, 16), 30, 3),
    "Domestic abuse perpetrator programme": (["dv"], [], (18, None), 56, None),
    "Family mediation": (["mh"], ["dv"], (None, None), 21, None),
    "Couples counselling": (["mh", "neglect"], ["dv"], (18, None), 14, None),
    "Talking therapies for adults": (["mh"], [], (18, None), 42, None),
    "Children's emotional wellbeing service": (["mh"], [], (5, 18), 60, 3),
    "Drug and alcohol service for parents": (["substance"], [], (18, None), 10, None),
    "Young people's drug and alcohol service": (["substance"], [], (11, 19), 10, None),
    "Incredible Years parenting programme": (["neglect"], [], (None, None), 28, 4),
    "Intensive family support": (
        ["neglect", "school", "mh", "substance", "unemployment"],
        [],
        (None, None),
        35,
        None,
    ),
    "Employment and skills coaching": (["unemployment"], [], (18, None), 14, None),
    "Debt and welfare advice": (["unemployment"], [], (18, None), 5, None),
    "School attendance support": (["school"], [], (5, 16), 10, None),
    "Youth justice prevention": (["police", "cse"], [], (10, 17), 20, None),
    "Exploitation and missing support": (["cse", "police"], [], (10, 18), 7, None),
    "Parents with learning disabilities support": (
        ["parental-ld", "neglect"],
        [],
        (18, None),
        30,
        None,
    ),
}

UNSAFE_WITH_DV = {"Family mediation", "Couples counselling"}

# (needs: theme -> latest score, or (score, age of the one person it was recorded for); household
#  ages; the services a practitioner would choose)
LABELLED = [
    (
        {"dv": 2, "mh": 6},
        (7, 35),
        {
            "Domestic abuse outreach (IDVA)",
            "Children's domestic abuse recovery group",
            "Domestic abuse perpetrator programme",
            "Talking therapies for adults",
        },
    ),
    (
        {"substance": 3, "neglect": 4, "school": 7},
        (4, 9, 30),
        {
            "Drug and alcohol service for parents",
            "Intensive family support",
            "Incredible Years parenting programme",
        },
    ),
    (
        {"mh": (3, 14), "school": (5, 14)},
        (14, 40),
        {
            "Children's emotional wellbeing service",
            "School attendance support",
            "Intensive family support",
        },
    ),
    (
        {"cse": (2, 15), "police": (3, 15)},
        (15, 45),
        {"Exploitation and missing support", "Youth justice prevention"},
    ),
    (
        {"unemployment": 4, "neglect": 6},
        (2, 25),
        {
            "Employment and skills coaching",
            "Debt and welfare advice",
            "Incredible Years parenting programme",
            "Intensive family support",
        },
    ),
    (
        {"parental-ld": 3, "neglect": 4},
        (1, 28),
        {
            "Parents with learning disabilities support",
            "Incredible Years parenting programme",
            "Intensive family support",
        },
    ),
    (
        {"dv": 3, "substance": 3, "mh": 5},
        (6, 10, 33),
        {
            "Domestic abuse outreach (IDVA)",
            "Children's domestic abuse recovery group",
            "Drug and alcohol service for parents",
            "Intensive family support",
        },
    ),
    (
        {"mh": (2, 29), "neglect": 5},
        (3, 29),
        {
            "Talking therapies for adults",
            "Incredible Years parenting programme",
            "Intensive family support",
        },
    ),
    (
        {"dv": 4, "mh": 3, "neglect": 6},
        (8, 12, 38),
        {
            "Domestic abuse outreach (IDVA)",
            "Children's domestic abuse recovery group",
            "Children's emotional wellbeing service",
            "Talking therapies for adults",
            "Intensive family support",
        },
    ),
    (
        {"substance": (2, 16)},
        (16, 44),
        {"Young people's drug and alcohol service", "Drug and alcohol service for parents"},
    ),
]


@pytest.fixture
def directory(db):
    themes = {t.code: t for t in NeedTheme.objects.all()}
    for name, (codes, unsafe, (low, high), wait, evidence) in DIRECTORY.items():
        ServiceFactory(
            name=name,
            themes=[themes[c] for c in codes],
            unsafe_with=[themes[c] for c in unsafe],
            minimum_age=low,
            maximum_age=high,
            waiting_days=wait,
            evidence_rating=evidence,
        )
    return themes


def family(themes, needs, ages):
    needs = {c: n if isinstance(n, tuple) else (n, None) for c, n in needs.items()}
    return FamilyProfile(
        theme_ids=[themes[c].pk for c in needs],
        themes=[themes[c] for c in needs],
        band=None,
        members=[Member(i, f"Member {i}", age, "member") for i, age in enumerate(ages)],
        locality_id=None,
        scores={themes[c].pk: score for c, (score, _) in needs.items()},
        need_ages={themes[c].pk: [age] for c, (_, age) in needs.items() if age is not None},
    )


def most_needs_first(suggestion):
    """The ranking before needs were weighed by how serious they are (for comparison)."""
    wait = suggestion.waiting_days if suggestion.waiting_days is not None else 10**6
    name = suggestion.service.name.lower()
    return (-len(suggestion.needs_covered), wait, -(suggestion.evidence_rating or 0), name)


def precision_at_3(themes, order=None):
    shares = []
    for needs, ages, chosen in LABELLED:
        suggestions = suggest_services(family(themes, needs, ages), limit=None)
        if order is not None:
            suggestions = sorted(suggestions, key=order)
        top = [s.service.name for s in suggestions[:3]]
        # a family with only two right answers can score full marks
        shares.append(sum(name in chosen for name in top) / min(3, len(chosen)))
    return sum(shares) / len(shares)


def test_top_three_precision_on_the_labelled_set(directory, capsys):
    ranked = precision_at_3(directory)
    before = precision_at_3(directory, order=most_needs_first)
    with capsys.disabled():
        print(
            f"\nsuggestions, precision of the top three on {len(LABELLED)} labelled families: "
            f"{ranked:.2f} (most needs covered first: {before:.2f})"
        )
    assert ranked >= 0.75  # measured 0.78 (most needs first: 0.68) when the set was written
    assert ranked > before


def test_a_service_unsafe_for_a_need_is_never_suggested_to_a_family_with_it(directory):
    for needs, ages, _ in LABELLED:
        names = {
            s.service.name for s in suggest_services(family(directory, needs, ages), limit=None)
        }
        if "dv" in needs:
            assert not names & UNSAFE_WITH_DV, needs
    # without domestic abuse, mediation is an ordinary candidate
    names = {s.service.name for s in suggest_services(family(directory, {"mh": 4}, (9, 31)))}
    assert "Family mediation" in names


def test_the_most_serious_need_outranks_the_number_of_needs_covered(directory):
    # Parental mental health scored 2 (serious) and neglect 5: a service for the mental health
    # alone comes before a generalist that covers neglect and school attendance but whose
    # mental health work is the same – here the generalist also covers mental health, so it leads.
    profile = family(directory, {"mh": 2, "neglect": 5, "school": 8}, (7, 30))
    result = suggest_services(profile, limit=None)
    first = result[0]
    assert first.service.name == "Intensive family support"
    assert first.seriousness == (2, 5, 8)
    assert first.explanation.startswith(
        "Covers 3 of 3 needs: mental health (scored 2), parenting capacity and neglect (scored 5), "
        "missing school or not school-ready (scored 8)"
    )
    # Among single-need services, mental health (2) ranks before neglect (5), whatever the wait.
    singles = [s.service.name for s in result if len(s.needs_covered) == 1]
    assert singles.index("Talking therapies for adults") < singles.index(
        "Incredible Years parenting programme"
    )
    assert singles.index("Incredible Years parenting programme") < singles.index(
        "School attendance support"
    )
