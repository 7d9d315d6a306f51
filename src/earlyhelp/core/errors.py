"""Errors a service raises; the API maps IllegalMove to 409 and ValidationError to 400."""


class IllegalMove(Exception):
    """A workflow move the rules do not allow. The message is written for a practitioner."""

    def __init__(self, message: str, *, code: str = "illegal_move"):
        super().__init__(message)
        self.message = message
        self.code = code


class StaleEdit(IllegalMove):
    """Someone else saved this record after it was opened."""

    def __init__(self, what: str = "record"):
        super().__init__(
            f"This {what} was changed by someone else after you opened it. "
            "Reload it to see their changes, then make yours again.",
            code="stale_edit",
        )
