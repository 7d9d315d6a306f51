import pytest


@pytest.fixture
def login(client):
    """login(user) -> the test client signed in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
