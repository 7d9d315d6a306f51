"""The sign-in backend: Django's ModelBackend, loading the signed-in user with their team."""

from django.contrib.auth import backends, get_user_model


class ModelBackend(backends.ModelBackend):
    """As Django's (passwords, and the user of every request, refusing inactive users), but the
    user of each request comes with their team in the same query: a manager's access scope
    reads the team's service, which was a query of its own on every page (issue 19)."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("team")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
