"""`divert bench outcomes`: server time of every dashboard view and the public page, signed in per seat through
Django's test client, on whatever site the database holds (`divert seed --participants 100000 --events 5000000`).

Each view is timed twice: `views_cold` is the first request after new data (figures computed), `views` the next
one (figures kept until the data changes, which is what people see once `divert tick` has warmed them).
`cohort_seconds` and `justice_seconds` are the two tables every figure reads, rebuilt after new data before the
first view (the cohort when enrollments, referrals, people or assessments change; each person's justice counts
when the cohort or the justice events change).
"""

import resource
import sys
import time

from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _seat_user(role: str):
    from divert.accounts.models import User

    return User.objects.filter(memberships__role=role, is_active=True).order_by("pk").first()


def bench_outcomes(log=sys.stderr) -> dict:
    from divert.accounts.roles import Role
    from divert.outcomes.cohort import ensure_cohort, ensure_justice
    from divert.outcomes.models import FigureSnapshot
    from divert.participants.models import Person
    from divert.records.models_events import JusticeEvent

    figures: dict = {"participants": Person.objects.count(), "justice_events": JusticeEvent.objects.count()}
    log.write(f"site: {figures['participants']:,} people, {figures['justice_events']:,} justice events\n")
    FigureSnapshot.objects.all().delete()  # start cold
    started = time.perf_counter()
    ensure_cohort(progress=lambda done, total: log.write(f"\rcohort: {done:,}/{total:,}"))
    figures["cohort_seconds"] = round(time.perf_counter() - started, 2)
    log.write(f"\ncohort table built in {figures['cohort_seconds']} s\n")
    started = time.perf_counter()
    ensure_justice(timezone.localdate())
    figures["justice_seconds"] = round(time.perf_counter() - started, 2)
    log.write(f"justice counts before and after referral kept in {figures['justice_seconds']} s\n")

    views = [
        ("impact", None, "/impact/"),
        ("dashboard.project_manager", Role.PROJECT_MANAGER, "/outcomes/"),
        ("dashboard.project_manager.since_launch", Role.PROJECT_MANAGER, "/outcomes/?period=launch"),
        ("dashboard.project_manager.door_filter", Role.PROJECT_MANAGER, "/outcomes/?period=launch&door=arrest"),
        ("dashboard.supervisor", Role.SUPERVISOR, "/outcomes/"),
        ("dashboard.evaluator", Role.EVALUATOR, "/outcomes/"),
        ("dashboard.evaluator.door_breakdown", Role.EVALUATOR, "/outcomes/?door=arrest"),
        ("dashboard.export_csv", Role.PROJECT_MANAGER, "/outcomes/export/justice_events.csv"),
        ("reports", Role.PROJECT_MANAGER, "/outcomes/reports/"),
        ("unit_costs", Role.PROJECT_MANAGER, "/outcomes/unit-costs/"),
        ("evaluation", Role.EVALUATOR, "/evaluation/"),  # the last stored run
    ]
    cold, warm = {}, {}
    with override_settings(ALLOWED_HOSTS=["testserver", "localhost"], DIVERT_REQUIRE_MFA=False):
        for name, role, url in views:
            client = Client()
            if role:
                user = _seat_user(role)
                if user is None:
                    log.write(f"{name}: no {role} account on this site, skipped\n")
                    continue
                client.force_login(user, backend=ALLAUTH_BACKEND)
            for store in (cold, warm):
                started = time.perf_counter()
                response = client.get(url)
                store[name] = round(time.perf_counter() - started, 3)
                if response.status_code != 200:
                    raise RuntimeError(f"{name}: {url} answered {response.status_code}")
            log.write(f"{name}: {cold[name]} s first, {warm[name]} s kept\n")
    figures["views"] = warm
    figures["views_cold"] = cold
    figures["views_over_1s"] = sorted(name for name, s in warm.items() if s >= 1)
    figures["evaluation_seconds"] = None
    try:
        from divert.outcomes.evaluation.runner import run_evaluation  # the evaluation engineer's module
    except ImportError as exc:
        figures["evaluation_note"] = f"divert.outcomes.evaluation.runner is not installed here ({exc})"
    else:
        started = time.perf_counter()
        run_evaluation()
        figures["evaluation_seconds"] = round(time.perf_counter() - started, 2)
    figures["peak_rss_mb"] = _peak_rss_mb()
    return figures
