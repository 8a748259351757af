"""What each seat finds in the navigation. Only pages that exist are listed."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from divert.accounts.roles import Role


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    roles: frozenset[str] | None = None  # None: every seat
    staff_only: bool = False
    # Dotted path of `f(user) -> bool` for a link that depends on more than the seat (a higher app's rule).
    shown_if: str | None = None


NAV_ITEMS = [
    NavItem("home", _("Home")),
    NavItem("referral_start", _("Refer"), frozenset({Role.OFFICER, Role.SERGEANT})),
    NavItem("referrals", _("Referrals"), frozenset({Role.OFFICER, Role.SERGEANT, Role.OUTREACH, Role.CASE_MANAGER,
                                                   Role.SUPERVISOR, Role.PROSECUTOR, Role.PROJECT_MANAGER})),
    NavItem("lookup", _("Look up"), frozenset({Role.OFFICER, Role.SERGEANT})),
    NavItem("people", _("People"), frozenset({Role.OUTREACH, Role.CASE_MANAGER, Role.SUPERVISOR,
                                               Role.PROJECT_MANAGER})),
    NavItem("outreach", _("Outreach"), frozenset({Role.OUTREACH, Role.CASE_MANAGER, Role.SUPERVISOR})),
    NavItem("tasks", _("Tasks"), frozenset({Role.OUTREACH, Role.CASE_MANAGER, Role.SUPERVISOR})),
    NavItem("caseloads", _("Caseloads"), frozenset({Role.SUPERVISOR})),
    NavItem("service_directory", _("Services"), frozenset({Role.OUTREACH, Role.CASE_MANAGER, Role.SUPERVISOR,
                                                            Role.PROJECT_MANAGER})),
    NavItem("funds_ledger", _("Funds"), frozenset({Role.SUPERVISOR, Role.PROJECT_MANAGER})),
    NavItem("on_call", _("On call"), frozenset({Role.OUTREACH, Role.CASE_MANAGER, Role.SUPERVISOR})),
    NavItem("coordination", _("Coordination"), frozenset({Role.CASE_MANAGER, Role.SUPERVISOR, Role.PROSECUTOR,
                                                           Role.DEFENDER, Role.PROJECT_MANAGER})),
    NavItem("owg", _("Work group"), frozenset({Role.OFFICER, Role.SERGEANT, Role.OUTREACH, Role.CASE_MANAGER,
                                               Role.SUPERVISOR, Role.PROSECUTOR, Role.DEFENDER,
                                               Role.PROJECT_MANAGER})),
    NavItem("pcg", _("Policy group"), shown_if="divert.coordination.actions_pcg.may_read_pcg"),
    NavItem("outcomes:dashboard", _("Outcomes"), shown_if="divert.privacy.policy.may_see_program_outcomes"),
    NavItem("evaluation", _("Evaluation"), shown_if="divert.privacy.policy.may_see_evaluation"),
    NavItem("protocol:index", _("Protocol"), frozenset({Role.PROJECT_MANAGER})),
    NavItem("records_imports", _("Imports"), frozenset({Role.PROJECT_MANAGER})),
    NavItem("records_review", _("Matches"), frozenset({Role.OUTREACH, Role.CASE_MANAGER, Role.SUPERVISOR,
                                                      Role.PROJECT_MANAGER})),
    NavItem("audit_log", _("Audit log"), frozenset({Role.PROJECT_MANAGER})),
    NavItem("hmis_export", _("HMIS export"), frozenset({Role.PROJECT_MANAGER})),
    NavItem("webhooks", _("Webhooks"), frozenset({Role.SITE_ADMIN}), shown_if="divert.interop.webhooks.menu_shown"),
    NavItem("admin:index", _("Administration"), frozenset({Role.SITE_ADMIN}), staff_only=True),
    NavItem("account", _("Account")),
]


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    current: bool


def navigation_for(user, path: str) -> list[NavLink]:
    role = user.role
    links = []
    urls = {item.url_name: reverse(item.url_name) for item in NAV_ITEMS}
    all_urls = list(urls.values())
    for item in NAV_ITEMS:
        if item.roles is not None and role not in item.roles:
            continue
        if item.staff_only and not user.is_staff:
            continue
        if item.shown_if and not import_string(item.shown_if)(user):
            continue
        url = urls[item.url_name]
        current = path == url if url == "/" else path.startswith(url) and not any(
            other != url and other.startswith(url) and path.startswith(other) for other in all_urls)
        links.append(NavLink(url, item.label, current))
    return links


# The demo site's accounts: one per seat, all with the password DEMO_PASSWORD.
DEMO_PASSWORD = "divert-demo"  # noqa: S105 - demo mode only, printed on purpose


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    label: str


DEMO_LOGINS = [
    DemoLogin("officer", Role.OFFICER, _("Officer")),
    DemoLogin("sergeant", Role.SERGEANT, _("Sergeant")),
    DemoLogin("outreach", Role.OUTREACH, _("Outreach worker")),
    DemoLogin("casemanager", Role.CASE_MANAGER, _("Case manager")),
    DemoLogin("supervisor", Role.SUPERVISOR, _("Case-management supervisor")),
    DemoLogin("prosecutor", Role.PROSECUTOR, _("Liaison prosecutor")),
    DemoLogin("defender", Role.DEFENDER, _("Public defender")),
    DemoLogin("manager", Role.PROJECT_MANAGER, _("Project manager")),
    DemoLogin("evaluator", Role.EVALUATOR, _("Evaluator")),
    DemoLogin("admin", Role.SITE_ADMIN, _("Site administrator")),
]
