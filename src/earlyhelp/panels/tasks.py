"""Background work: bring stuck cases to the next panel meeting (run daily by the worker)."""

import datetime as dt

from django_tasks import task


@task()
def detect_stuck_cases_task(today: str | None = None) -> dict:
    from .services.detection import detect_stuck_cases

    result = detect_stuck_cases(today=dt.date.fromisoformat(today) if today else None)
    return {
        "checked_on": result.checked_on.isoformat(),
        "stuck": result.stuck,
        "brought": [str(pk) for pk in result.brought],
        "already_waiting": result.already_waiting,
        "recently_decided": result.recently_decided,
        "no_panel": result.no_panel,
    }
