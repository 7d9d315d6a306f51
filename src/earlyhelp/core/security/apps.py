from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "earlyhelp.core.security"
    label = "security"
    verbose_name = "Security"

    def ready(self):
        from . import signals  # noqa: F401  (sign-in auditing, session tracking)
