from django.test import Client

from earlyhelp.core.security import two_factor

PASSWORD = "correct horse battery staple"


def sign_in(user, *, client=None, password=PASSWORD, ip="10.0.0.1"):
    client = client or Client(REMOTE_ADDR=ip)
    response = client.post("/sign-in/", {"username": user.username, "password": password})
    return client, response


def set_up_authenticator(client, user):
    """Go through the setup page as a person would; returns (device, recovery codes)."""
    client.get("/account/two-factor/")
    device = two_factor.pending_authenticator(user)
    response = client.post("/account/two-factor/", {"code": two_factor.current_code(device)})
    assert response.status_code == 302, response.content
    codes_page = client.get(response["Location"])
    return device, codes_page.context["codes"]
