from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class WorklistsConfig(AppConfig):
    """What needs doing, read across the journey apps: the caseload, the team manager's view and
    queues, each role's action-needed list and start page, and the family timeline. Above the
    domain apps (it reads their models and selectors; they never import it), below the pages."""

    name = "earlyhelp.worklists"
    label = "worklists"

    def ready(self):
        import earlyhelp.cases.state as state

        from .models import CaseloadWeights

        # Each episode keeps the count of complex needs its completed assessments found
        # (cases.state), by the caseload weights' codes: the domain asks for them here, and
        # whoever saves the weights (the admin, a test, a script) recounts when they change.
        state.use_complex_need_codes(lambda: CaseloadWeights.current().complex_need_codes)
        uid = "complex_need_codes"
        pre_save.connect(_codes_before, sender=CaseloadWeights, dispatch_uid=uid)
        post_save.connect(_codes_saved, sender=CaseloadWeights, dispatch_uid=uid)
        post_delete.connect(_codes_saved, sender=CaseloadWeights, dispatch_uid=uid)


def _codes_before(sender, instance, raw=False, **kwargs):
    instance._codes_before = sender.current().complex_need_codes


def _codes_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loading a fixture: the episodes come with their own counts
        return
    import earlyhelp.cases.state as state

    codes = sender.current().complex_need_codes  # (deleted: the defaults again)
    if getattr(instance, "_codes_before", None) != codes:
        state.complex_need_codes_changed(codes)
