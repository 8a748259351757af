from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the site administrator, never by sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def pre_authenticate(self, request, **credentials) -> None:
        """Failed passwords are counted by django-axes (per account, with its lockout page and audit
        event); allauth's own "login_failed" limit is kept for the second-factor stage only."""
        self._login_failed_rl_usage = None
