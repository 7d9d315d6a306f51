from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "earlyhelp.panels"
    label = "panels"

    def ready(self):
        # A panel member (any staff role) sees the families with cases brought to their panels.
        from earlyhelp.core.access import EXTRA_FAMILY_SCOPES, register_family_scope
        from earlyhelp.core.models import Role

        from .selectors import panel_family_ids, panel_family_ids_with_consent

        scopes = {
            Role.PANEL_MEMBER: panel_family_ids,
            Role.WORKER: panel_family_ids,
            Role.MANAGER: panel_family_ids,
            Role.FRONT_DOOR: panel_family_ids,
            # A partner on a panel (police, school, health) sees its cases only with consent.
            Role.PARTNER: panel_family_ids_with_consent,
        }
        for role, scope in scopes.items():
            if scope not in EXTRA_FAMILY_SCOPES.get(role, []):
                register_family_scope(role, scope)
