"""The periodic jobs the scheduler runs: one line each.

Each job is a management command (run in the scheduler's process, its output kept with the run).
A council changes a time or switches a job off in settings, without touching this list:
    EARLYHELP_SCHEDULE = {"retention_review": "weekly on sunday at 04:00",
                          "panels_detect_stuck": "off"}
"""

from dataclasses import dataclass, field

from django.conf import settings

from .schedule import Schedule


@dataclass(frozen=True)
class Job:
    name: str
    schedule: str
    description: str
    command: str = ""  # the management command; the job's name when blank
    args: tuple[str, ...] = field(default_factory=tuple)

    @property
    def command_name(self) -> str:
        return self.command or self.name


JOBS = [
    Job("panels_detect_stuck", "daily at 06:00", "Bring stuck cases to the next panel meeting"),
    Job("retention_review", "weekly on monday at 05:00", "List records due for retention review"),
    Job("audit_verify", "daily at 03:00", "Check the audit trail's hash chain is whole"),
    Job("audit_seal", "every 1 minute", "Link new audit rows into the hash chain, in order"),
    Job("targeting_sweep_orphans", "hourly at :20", "Remove agency-file batches no import owns"),
    Job("episode_state_check", "daily at 03:30",
        "Check each episode's stored review and assessment state against its records"),
    Job("annexa_check", "daily at 03:40",
        "Check Annex A's stored rows against the contacts, assessments and people"),
    Job("insights_materialise", "daily at 01:30", "Work out the day's dashboard figures"),
]


def configured() -> list[tuple[Job, Schedule]]:
    """Every job with the schedule it runs on here (settings may move or switch one off)."""
    overrides = getattr(settings, "EARLYHELP_SCHEDULE", {}) or {}
    return [(job, Schedule(overrides.get(job.name, job.schedule))) for job in JOBS]
