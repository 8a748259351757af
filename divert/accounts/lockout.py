"""Which account a sign-in attempt is counted against, for django-axes' lockout."""


def lockout_username(request, credentials: dict | None = None) -> str | None:
    """The username an attempt names, normalised the way sign-in matches it.

    Axes' own lookup reads one key only, but the name arrives under two: allauth authenticates with
    `username=...` (which is what Django's user_login_failed signal carries), while axes' backend hands
    on `login=...` (AXES_USERNAME_FORM_FIELD). Reading one of them left failures uncounted, and nobody
    was ever locked out. Sign-in matches usernames case-insensitively, so the count does too: otherwise
    every change of case would buy another five guesses.
    """
    raw = None
    if credentials:
        raw = credentials.get("login") or credentials.get("username")
    if not raw and request is not None:
        data = getattr(request, "data", None) or getattr(request, "POST", None) or {}
        raw = data.get("login")
    if not raw or not isinstance(raw, str):
        return None
    return raw.strip().lower() or None
