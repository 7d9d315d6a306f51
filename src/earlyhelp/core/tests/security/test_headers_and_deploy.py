"""A strict Content Security Policy on every response; production settings pass
`check --deploy --fail-level WARNING`; no secrets in the repository."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory

from .helpers import sign_in

REPO = Path(__file__).resolve().parents[5]
EXPECTED = [
    "default-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


def _policy(response) -> str:
    return response["Content-Security-Policy"]


@pytest.mark.urls("earlyhelp.core.tests.security.urls")
@pytest.mark.django_db
def test_pages_carry_a_strict_policy_whose_nonce_matches_the_inline_scripts():
    client, _ = sign_in(UserFactory())
    response = client.get("/account/two-factor/")
    policy = _policy(response)
    for directive in EXPECTED:
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy).group(1)
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the layout has inline scripts"
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag or " src=" in tag, tag
    # A new nonce for every response.
    assert nonce not in _policy(client.get("/account/two-factor/"))


@pytest.mark.django_db
def test_api_responses_and_redirects_carry_the_policy_too():
    client = verified_login(APIClient(), UserFactory())
    assert "default-src 'self'" in _policy(client.get("/api/caseload/"))
    assert "default-src 'self'" in _policy(APIClient().get("/account/two-factor/"))


def test_no_template_uses_inline_styles_or_unnonced_inline_scripts():
    """style-src 'self' forbids style attributes; inline scripts need the request's nonce."""
    problems = []
    for template in (REPO / "src" / "earlyhelp").rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"\sstyle=\"|<style\b", text):
            problems.append(f"{template}: inline style")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "csp_nonce" not in tag:
                problems.append(f"{template}: inline script without nonce: {tag}")
    assert not problems, "\n".join(problems)


def _production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EARLYHELP_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="earlyhelp.settings.production",
        EARLYHELP_SECRET_KEY=secrets.token_urlsafe(50),
        EARLYHELP_ALLOWED_HOSTS="example.org",
        EARLYHELP_DATABASE_URL=f"sqlite:///{REPO}/var/deploy-check.sqlite3",
    )
    env.update(extra)
    return env


def _manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from earlyhelp.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )


def test_production_settings_pass_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("key", ["", "too-short", None])
def test_production_refuses_to_start_without_a_proper_secret_key(key):
    env = _production_env()
    # None: the local development default must never run in production
    env["EARLYHELP_SECRET_KEY"] = next(iter(SECRET_ALLOWED)) if key is None else key
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "EARLYHELP_SECRET_KEY" in result.stderr


SECRET_PATTERNS = [
    re.compile(r"-----BEGIN (RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
    re.compile(r"AKIA[0-9A-Z]{16}"),
    re.compile(r"(?i)(password|secret|token)\s*=\s*['\"][^'\"\s]{16,}['\"]"),
]
SECRET_ALLOWED = {"insecure-local-only-key-change-me-in-production-0123456789"}


def test_no_secrets_in_the_repository():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    found = []
    for name in tracked.stdout.splitlines():
        path = REPO / name
        if (
            path.suffix
            not in {
                ".py",
                ".toml",
                ".cfg",
                ".ini",
                ".env",
                ".yml",
                ".yaml",
                ".json",
                ".sh",
                ".md",
                ".txt",
                "",
            }
            or not path.is_file()
        ):
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        for pattern in SECRET_PATTERNS:
            for match in pattern.finditer(text):
                if not any(allowed in match.group(0) for allowed in SECRET_ALLOWED):
                    found.append(f"{name}: {match.group(0)[:60]}")
    assert not found, "\n".join(found)
