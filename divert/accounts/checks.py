from django.conf import settings
from django.core.checks import Error, register

from divert.accounts.roles import Role


@register()
def idle_timeout_roles(app_configs, **kwargs):
    unknown = sorted(set(settings.DIVERT_IDLE_TIMEOUT_BY_ROLE) - set(Role.values))
    if not unknown:
        return []
    return [Error(
        f"DIVERT_IDLE_TIMEOUT_BY_ROLE names unknown roles: {', '.join(unknown)}",
        hint=f"Use role codes: {', '.join(Role.values)}",
        id="divert.E001",
    )]
