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
    from django.urls import URLResolver, get_resolver

    def populate(resolver):  # each namespace's resolver fills its tables on first use
        resolver.reverse_dict  # noqa: B018 – and so imports its urls modules and their views
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                populate(pattern)

    populate(get_resolver())
    engine = engines["django"]
    for folder in [*engine.engine.dirs, *get_app_template_dirs("templates")]:
        for path in Path(folder).rglob("*.html"):
            try:
                engine.get_template(path.relative_to(folder).as_posix())
            except TemplateSyntaxError:
                pass


if os.environ.get("EARLYHELP_WARM_UP", "true").lower() != "false":
    warm_up()

# After the warm-up, so what it loaded is frozen with the rest (operations.collector)
if os.environ.get("EARLYHELP_TUNE_COLLECTOR", "true").lower() != "false":
    from earlyhelp.operations.collector import tune_for_serving

    tune_for_serving()
