from django.apps import AppConfig
from django.db.models.signals import post_save


class CasesConfig(AppConfig):
    name = "earlyhelp.cases"
    label = "cases"

    def ready(self):
        from .models import Timescales

        # Whoever saves the timescales (the admin, a test, a script), the next review dates
        # that follow from them move in the same transaction (cases.state).
        post_save.connect(_timescales_saved, sender=Timescales, dispatch_uid="episode_state")


def _timescales_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loading a fixture: the episodes come with their own state
        return
    from . import state

    state.timescales_changed(instance)
