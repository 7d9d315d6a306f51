from django.apps import AppConfig


class WorklistsConfig(AppConfig):
    """What needs doing, read across the journey apps: the caseload, the team manager's view and
    queues, each role's action-needed list and start page, and the family timeline. Above the
    domain apps (it reads their models and selectors; they never import it), below the pages."""

    name = "earlyhelp.worklists"
    label = "worklists"
