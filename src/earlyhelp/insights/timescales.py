"""The journey timescales the indicators count against come from the one configuration
(cases.models.Timescales), never from an indicator's own parameters, so an indicator and the
worklists cannot disagree about when an assessment or a review was due."""

from earlyhelp.cases.models import Timescales


def parameters(definition) -> dict:
    """An indicator definition's parameters with the journey timescales it reads put in."""
    timescales = Timescales.current()
    journey = {
        "assessments_on_time": {"days": timescales.assessment_due_days},
        "reviews_on_time": {"first_review_days": timescales.first_review_days},
    }
    return {**(definition.parameters or {}), **journey.get(definition.code, {})}
