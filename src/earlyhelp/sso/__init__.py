"""Single sign-on: staff sign in with their organisation's OpenID Connect provider (Microsoft
Entra ID or any other), matched to their earlyhelp account by a verified claim.
See docs/single-sign-on.md."""
