"""The layout's parts around the pages' blocks (templates/layout.html), each written by one tag.

Every page draws them: the links to the stylesheets and scripts, the account links and sign-out
form, the menu, the notification banners and the footer. Written as template text they were
about twenty variable lookups, conditions and includes, 0.15 ms of every page (issue 19: the
family record spends 0.4 ms rendering in all); here each is one tag's f-string, every value in
it escaped. The blocks pages fill or replace (title, head, service_name, navigation,
beforeContent, content, scripts) stay in the template."""

from django import template

from earlyhelp.web.escaping import escape_text as escape
from earlyhelp.web.escaping import safe as mark_safe
from earlyhelp.web.templatetags.assets import asset

register = template.Library()


def _nonce(context) -> str:
    request = context.get("request")
    return escape(request.csp_nonce) if request is not None else ""


def _signed_in(context):
    user = context.get("user")
    return user if user is not None and user.is_authenticated else None


@register.simple_tag
def layout_head_links():
    """The favicon and the two stylesheets (their URLs kept by `asset`)."""
    icon, frontend, ours = (escape(asset(path)) for path in (
        "govuk/assets/images/favicon.ico", "govuk/govuk-frontend.min.css", "web/app.css"))
    return mark_safe(f'<link rel="icon" sizes="48x48" href="{icon}">\n'
                     f'  <link rel="stylesheet" href="{frontend}">\n'
                     f'  <link rel="stylesheet" href="{ours}">')


@register.simple_tag(takes_context=True)
def layout_body_start(context):
    """The script that marks the page as having JavaScript, with the request's CSP nonce."""
    return mark_safe(
        f'<script nonce="{_nonce(context)}">document.body.className += \' js-enabled\' + '
        f"('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');"
        "</script>"
    )


@register.simple_tag(takes_context=True)
def layout_account(context):
    """The signed-in user's name and the sign-out form (with its CSRF token), in the header."""
    user = _signed_in(context)
    if user is None:
        return ""
    token = str(context.get("csrf_token") or "")
    # As {% csrf_token %}: no field where the token was not provided
    field = ('<input type="hidden" name="csrfmiddlewaretoken" value="'
             f'{escape(token)}">' if token and token != "NOTPROVIDED" else "")
    return mark_safe(
        '<nav aria-label="Your account" class="govuk-header__navigation app-header__account">\n'
        '          <ul class="govuk-header__navigation-list">\n'
        '            <li class="govuk-header__navigation-item app-header__user">'
        f"{escape(user.display_name)}</li>\n"
        '            <li class="govuk-header__navigation-item"><form method="post" '
        f'action="{escape(context.get("sign_out_url") or "")}" class="app-inline-form">'
        f"{field}"
        '<button type="submit" class="govuk-header__link app-header__sign-out">Sign out</button>'
        "</form></li>\n"
        "          </ul>\n"
        "        </nav>"
    )


@register.simple_tag(takes_context=True)
def layout_navigation(context):
    """The service navigation: the menu of the user's role (web.context_processors)."""
    if _signed_in(context) is None:
        return ""
    return mark_safe(
        '<section aria-label="Service information" class="govuk-service-navigation" '
        'data-module="govuk-service-navigation">\n'
        '  <div class="govuk-width-container">\n'
        '    <div class="govuk-service-navigation__container">\n'
        '      <nav aria-label="Menu" class="govuk-service-navigation__wrapper">\n'
        '        <button type="button" class="govuk-service-navigation__toggle '
        'govuk-js-service-navigation-toggle" aria-controls="navigation" hidden>Menu</button>\n'
        '        <ul class="govuk-service-navigation__list" id="navigation">\n'
        f"          {context.get('nav_html') or ''}\n"
        "        </ul>\n"
        "      </nav>\n"
        "    </div>\n"
        "  </div>\n"
        "</section>"
    )


@register.simple_tag(takes_context=True)
def layout_messages(context):
    """Each message waiting for the user as a GOV.UK notification banner (success or
    important); reading them marks them shown, as iterating them in a template did."""
    messages = context.get("messages")
    if not messages:
        return ""
    banners = []
    for n, message in enumerate(messages, start=1):
        success = message.level_tag == "success"
        banners.append(
            '<div class="govuk-notification-banner'
            f'{" govuk-notification-banner--success" if success else ""}" '
            f'role="{"alert" if success else "region"}" aria-labelledby="banner-title-{n}" '
            'data-module="govuk-notification-banner">\n'
            '  <div class="govuk-notification-banner__header">\n'
            f'    <h2 class="govuk-notification-banner__title" id="banner-title-{n}">'
            f'{"Success" if success else "Important"}</h2>\n'
            "  </div>\n"
            '  <div class="govuk-notification-banner__content">\n'
            f'    <p class="govuk-notification-banner__heading">{escape(message)}</p>\n'
            "  </div>\n"
            "</div>\n"
        )
    return mark_safe("".join(banners))


@register.simple_tag(takes_context=True)
def layout_footer_meta(context):
    """The footer's links (the directory when it is mounted, the API) and who is signed in."""
    directory = context.get("nav_directory_url")
    links = ('<li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" '
             f'href="{escape(directory)}">Find support services</a></li>\n' if directory else "")
    user = _signed_in(context)
    signed_in = (f" Signed in as {escape(user.display_name)} "
                 f"({escape(context.get('role_label') or '')}).") if user is not None else ""
    return mark_safe(
        '<h2 class="govuk-visually-hidden">Support links</h2>\n'
        '          <ul class="govuk-footer__inline-list">\n'
        f"            {links}"
        '            <li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" '
        'href="/api/docs/">API</a></li>\n'
        "          </ul>\n"
        '          <span class="govuk-footer__licence-description">earlyhelp is open-source '
        f"software.{signed_in}</span>"
    )


@register.simple_tag(takes_context=True)
def layout_scripts(context):
    """GOV.UK Frontend's initAll (a module, with the request's CSP nonce), htmx and ours."""
    frontend, htmx, reveal = (escape(asset(path)) for path in (
        "govuk/govuk-frontend.min.js", "htmx.min.js", "web/reveal.js"))
    return mark_safe(
        f'<script type="module" nonce="{_nonce(context)}">\n'
        f'    import {{ initAll }} from "{frontend}";\n'
        "    initAll();\n"
        "  </script>\n"
        f'  <script src="{htmx}" defer></script>\n'
        f'  <script src="{reveal}" defer></script>'
    )
