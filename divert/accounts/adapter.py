from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the site administrator, never by sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False
