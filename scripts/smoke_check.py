#!/usr/bin/env python3
"""Smoke check a running earlyhelp over real HTTP: wait for it, sign in with a password and a
current two-factor code, load the start page, the API schema and one API list. Standard library
only. Exits 1 with a message saying which step failed.

    python3 scripts/smoke_check.py http://127.0.0.1:8000 --username worker \\
        --code-command ".venv/bin/earlyhelp two_factor_code worker"
"""

import argparse
import functools
import http.client
import os
import re
import shlex
import subprocess
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie

print = functools.partial(print, flush=True)  # noqa: A001 (interleave with stderr)
DEMO_PASSWORD = "earlyhelp-demo"  # the demo borough's password (demo/borough.py)


class Failed(Exception):
    pass


class Browser:
    """A tiny HTTP client with cookies and no automatic redirects. `https_proxy=True` says the
    server sits behind a TLS proxy (X-Forwarded-Proto: https), as production settings expect."""

    def __init__(self, base: str, *, https_proxy: bool = False, timeout: float = 30):
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.https_proxy = https_proxy
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        scheme = "https" if https_proxy else "http"
        self.origin = f"{scheme}://{parsed.netloc}"

    def request(self, method: str, path: str, form: dict | None = None, headers=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.https_proxy:
            sent["X-Forwarded-Proto"] = "https"
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = self.origin
            sent["Referer"] = self.origin + path
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, text

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, form):
        form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
        return self.request("POST", path, form=form)

    def wait_until_up(self, seconds: float, *, healthy: bool = True, while_pid=None) -> None:
        deadline = time.monotonic() + seconds
        last = "no answer"
        while time.monotonic() < deadline:
            if while_pid and not os.path.exists(f"/proc/{while_pid}"):
                raise Failed(f"the process starting earlyhelp (pid {while_pid}) has stopped")
            try:
                status, _, body = self.get("/healthz")
                if status == 200 or not healthy:
                    return
                last = f"/healthz answered {status}: {body[:300]}"
            except OSError as error:
                last = f"no answer ({error})"
            time.sleep(1)
        raise Failed(f"earlyhelp did not come up within {seconds:.0f} s: {last}")

    def sign_in(self, username: str, password: str, code) -> None:
        """Password, then the two-factor code (`code` is called when the form wants it)."""
        status, _, _ = self.get("/sign-in/")
        expect(status == 200, f"GET /sign-in/ answered {status}")
        status, headers, body = self.post(
            "/sign-in/", {"username": username, "password": password, "next": "/"}
        )
        expect(
            status == 302,
            f"signing in as {username} with the password answered {status} {_error(body)}",
        )
        location = headers["Location"]
        for _ in range(3):  # "/" sends a user without a second factor yet to the code page
            if "/account/two-factor/verify/" in location:
                break
            status, headers, _ = self.get(location)
            expect(status == 302, f"after the password, {location} answered {status}")
            location = headers["Location"]
        expect("/account/two-factor/verify/" in location, f"no two-factor step ({location})")
        status, _, _ = self.get(location)
        expect(status == 200, f"the two-factor page answered {status}")
        status, headers, body = self.post(location, {"code": code(), "next": "/"})
        expect(
            status == 302 and headers.get("Location") == "/",
            f"the two-factor code was not accepted ({status}): {_error(body)}",
        )


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


def _error(body: str) -> str:
    found = re.search(r'govuk-error-summary__list">(.*?)</ul>', body, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found[1]).strip() if found else ""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--username", default="worker")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--code-command", required=True, help="prints the current TOTP code")
    parser.add_argument("--wait", type=float, default=300, help="seconds to wait for /healthz")
    parser.add_argument("--https-proxy", action="store_true", help="send X-Forwarded-Proto")
    parser.add_argument("--while-pid", type=int, help="stop waiting if this process ends")
    args = parser.parse_args(argv)

    def code() -> str:
        done = subprocess.run(shlex.split(args.code_command), capture_output=True, text=True)
        expect(done.returncode == 0, f"{args.code_command} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    browser = Browser(args.base_url, https_proxy=args.https_proxy)
    try:
        started = time.monotonic()
        browser.wait_until_up(args.wait, while_pid=args.while_pid)
        print(f"smoke: /healthz 200 after {time.monotonic() - started:.0f} s")
        browser.sign_in(args.username, args.password, code)
        print(f"smoke: signed in as {args.username} (password and two-factor code)")
        status, _, body = browser.get("/")
        expect(status == 200 and "Sign out" in body, f"the start page answered {status}")
        print("smoke: start page 200, signed in")
        status, _, body = browser.get("/api/schema/")
        expect(status == 200 and "openapi:" in body, f"/api/schema/ answered {status}")
        print("smoke: /api/schema/ 200")
        status, headers, body = browser.get("/api/caseload/", {"Accept": "application/json"})
        expect(
            status == 200 and body.startswith("{"),
            f"/api/caseload/ answered {status}: {body[:200]}",
        )
        print("smoke: /api/caseload/ 200")
    except (Failed, OSError) as error:
        print(f"SMOKE CHECK FAILED: {error}", file=sys.stderr)
        return 1
    print("smoke: all good")
    return 0


if __name__ == "__main__":
    sys.exit(main())
