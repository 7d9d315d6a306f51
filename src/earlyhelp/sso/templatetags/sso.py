"""`{% sso_buttons next %}`: a "Sign in with …" button for each configured provider."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from earlyhelp.sso.services import providers

register = template.Library()


@register.inclusion_tag("sso/buttons.html")
def sso_buttons(next_url=""):
    query = f"?{urlencode({'next': next_url})}" if next_url and next_url != "/" else ""
    return {
        "buttons": [
            {
                "text": f"Sign in with {provider.name}",
                "href": reverse("sso:start", args=[provider.slug]) + query,
            }
            for provider in providers()
        ]
    }
