"""Helpers for the casework apps' page tests (cases, assessments, plans, people)."""

import datetime as dt
from html import unescape

from earlyhelp.cases.services import episode_allocate
from earlyhelp.testing import journey
from earlyhelp.testing.world import days_ago


def text(response) -> str:
    return unescape(response.content.decode())


def date_fields(prefix, day: dt.date) -> dict:
    """A GOV.UK date input's three fields, as a form posts them."""
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def allocated_episode(world):
    """An open episode of the world's family, led by the world's worker."""
    episode = journey.open_episode(world)
    episode_allocate(episode=episode, lead_practitioner=world.worker, acting_user=world.manager)
    episode.refresh_from_db()
    return episode


def planned_episode(world, episode):
    """The episode with a completed assessment and a plan started 30 days ago."""
    from earlyhelp.plans import services as plans

    _, need = journey.completed_assessment(world, episode)
    plan = plans.plan_start(episode=episode, started_on=days_ago(30), acting_user=world.worker)
    return episode, plan, need
