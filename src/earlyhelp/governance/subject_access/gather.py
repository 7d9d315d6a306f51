"""Gathering everything held about one person into a `Report`, section by section.

Panels (cases, decisions, actions), referrals to services and targeting findings have their
own sections; other apps may add more with `register_section`.
"""

from collections.abc import Callable

from django.utils import timezone

from . import partnership, records
from .audit_trail import access_trail
from .report import Report

EXTRA_SECTIONS: list[Callable] = []


def register_section(builder: Callable) -> None:
    """Add a section from another app: builder(person, family_ids) -> Section | None."""
    EXTRA_SECTIONS.append(builder)


def collect(person) -> Report:
    sections = [records.personal_details(person)]
    memberships = records.household_memberships(person)
    family_ids = sorted({m.family_id for m in memberships}, key=str)
    sections += [
        records.households(memberships),
        records.consent_decisions(person),
        records.requests_for_support(person, family_ids),
    ]
    episodes = records.household_episodes(family_ids)
    episode_ids = [e.pk for e in episodes]
    sections += [
        records.early_help_episodes(episodes),
        records.assessments(person, episode_ids),
        records.plans(episode_ids),
        records.reviews(episode_ids),
        records.case_notes(episode_ids),
        records.shared_without_consent(family_ids),
        partnership.panels(episode_ids),
        partnership.referrals(person, episode_ids),
        partnership.targeting(family_ids),
    ]

    for builder in EXTRA_SECTIONS:
        extra = builder(person, family_ids)
        if extra is not None:
            sections.append(extra)

    sections.append(access_trail(person, family_ids))
    return Report(person.full_name, str(person.pk), timezone.now(), sections)
