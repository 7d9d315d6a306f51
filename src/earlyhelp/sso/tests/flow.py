"""Walk the OpenID Connect flow over HTTP as a browser would (requests, following redirects and
submitting the provider's own sign-in and consent forms)."""

import re
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import requests

from .conftest import PASSWORD

FORM_ACTION = re.compile(r'<form method="post" action="([^"]+)"')


class Visitor:
    """One browser: its own cookies at earlyhelp and at the provider."""

    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        self.http = requests.Session()
        Visitor.open.append(self)

    # Every visitor's connections are closed when its test ends (`close_all`): a kept-alive
    # connection would outlive the test in a live-server thread holding the test's database.
    open: list["Visitor"] = []

    @classmethod
    def close_all(cls) -> None:
        while cls.open:
            cls.open.pop().http.close()

    def follow(self, response, *, stop=None):
        """Follow redirects one by one; return the URL `stop(url)` picks, or the last response."""
        while response.is_redirect:
            url = urljoin(response.url, response.headers["Location"])
            if stop is not None and stop(url):
                return url
            response = self.http.get(url, allow_redirects=False, timeout=30)
        return response

    def _submit(self, page, data: dict):
        action = FORM_ACTION.search(page.text)
        assert action, f"no form on {page.url}:\n{page.text[:2000]}"
        return self.http.post(
            urljoin(page.url, action.group(1)), data=data, allow_redirects=False, timeout=30
        )

    def to_callback(self, slug: str, login: str, *, password: str = PASSWORD, next_url=""):
        """Start at the sign-in button, sign in at the provider and consent; return the callback
        URL the provider sends the browser to (not yet visited)."""
        start = f"{self.base}/sso/{slug}/start/" + (
            f"?{urlencode({'next': next_url})}" if next_url else ""
        )
        is_callback = lambda url: url.startswith(f"{self.base}/sso/{slug}/callback/")  # noqa: E731
        page = self.follow(
            self.http.get(start, allow_redirects=False, timeout=30), stop=is_callback
        )
        if isinstance(page, str):
            return page  # the provider still had a session: straight back
        assert "Sign in to the test identity provider" in page.text, page.text[:2000]
        page = self.follow(
            self._submit(page, {"login": login, "password": password}), stop=is_callback
        )
        if isinstance(page, str):
            return page
        assert "Allow access" in page.text, page.text[:2000]
        result = self.follow(self._submit(page, {}), stop=is_callback)
        assert isinstance(result, str), f"the provider did not send us back: {result.text[:2000]}"
        return result

    def sign_in(self, slug: str, login: str, **kwargs):
        """The whole flow; returns earlyhelp's last response."""
        callback = self.to_callback(slug, login, **kwargs)
        return self.follow(self.http.get(callback, allow_redirects=False, timeout=30))

    def get(self, path: str):
        return self.follow(self.http.get(self.base + path, allow_redirects=False, timeout=30))

    def post(self, path: str, data: dict):
        page = self.http.get(self.base + path, allow_redirects=True, timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"no CSRF token on {page.url}"
        return self.http.post(
            self.base + path,
            data={"csrfmiddlewaretoken": token.group(1), **data},
            allow_redirects=False,
            timeout=30,
        )

    def sign_out(self):
        """Post the header's sign-out form from the start page; returns the redirect response."""
        page = self.http.get(self.base + "/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"no sign-out form on {page.url}"
        return self.http.post(
            self.base + "/sign-out/",
            data={"csrfmiddlewaretoken": token.group(1)},
            allow_redirects=False,
            timeout=30,
        )

    def confirm_provider_sign_out(self, response):
        """At the provider's "sign out?" page, say yes; follow back to earlyhelp."""
        page = self.follow(response)
        assert "Sign out of the test identity provider" in page.text, page.text[:2000]
        form = re.search(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', page.text, re.S)
        assert form, page.text[:2000]
        fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form.group(2)))
        fields["logout"] = "yes"
        done = self.http.post(
            urljoin(page.url, form.group(1)), data=fields, allow_redirects=False, timeout=30
        )
        return self.follow(done)


def with_param(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | changes
    return urlunsplit(parts._replace(query=urlencode(query)))
