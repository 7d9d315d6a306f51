import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earlyhelp.settings.local")
application = get_wsgi_application()


def warm_up() -> None:
    """Do at start what the first request after a restart would otherwise wait for (issue 19: a
    cold dashboard page under 0.5 s): import every URL's view module and compile every template
    into the cached loader. A template that does not compile is left for its page to report."""
    from django.template import TemplateSyntaxError, engines
    from django.template.utils import get_app_template_dirs
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 – imports every urls module and their views
    engine = engines["django"]
    for folder in [*engine.engine.dirs, *get_app_template_dirs("templates")]:
        for path in Path(folder).rglob("*.html"):
            try:
                engine.get_template(path.relative_to(folder).as_posix())
            except TemplateSyntaxError:
                pass


if os.environ.get("EARLYHELP_WARM_UP", "true").lower() != "false":
    warm_up()
