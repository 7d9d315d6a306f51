"""collectstatic under production settings (manifest storage): every file a stylesheet or script
names must exist, or production pages answer 500. This is what broke `make run` once."""

import json


def test_collectstatic_succeeds_under_production_settings(production_static):
    manifest = json.loads((production_static / "staticfiles.json").read_text())["paths"]
    for name in (
        "govuk/govuk-frontend.min.css",
        "govuk/govuk-frontend.min.js",
        "web/app.css",
        "htmx.min.js",
        "govuk/govuk-frontend.min.css.map",
    ):
        assert name in manifest, name
        assert (production_static / manifest[name]).is_file()
    # The stylesheet's reference to its source map was rewritten to the hashed name.
    css = (production_static / manifest["govuk/govuk-frontend.min.css"]).read_text()
    assert manifest["govuk/govuk-frontend.min.css.map"].split("/")[-1] in css
