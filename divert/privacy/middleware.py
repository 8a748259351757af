"""The policy's answers are remembered for one request, so a page that asks about a person ten times asks the
database once. Any SQL write during the request, other than the records a read itself leaves behind (audit
events, the accounting of disclosures, notifications, sessions, the cache), forgets them at once; bulk updates
and inserts included. Outside a request (commands, tests calling the policy directly) nothing is remembered."""

from contextlib import contextmanager

from django.db import connection

from divert.privacy.policy import forget_decisions, remembered_decisions

WRITES = ("insert", "update", "delete", "replace")
# Tables a read writes to; writing them changes no one's access.
READ_SIDE_TABLES = ("audit_auditevent", "audit_auditchainhead", "privacy_disclosure", "notify_notification",
                    "django_session", "usersessions_usersession", "divert_cache", "axes_")


def forget_on_write(execute, sql, params, many, context):
    head = sql.lstrip()[:120].lower()
    if head.startswith(WRITES) and not any(f'"{table}' in head or f" {table}" in head
                                           for table in READ_SIDE_TABLES):
        forget_decisions()
    return execute(sql, params, many, context)


@contextmanager
def one_request():
    """What the middleware wraps each request in: answers remembered, and forgotten on any write."""
    with remembered_decisions(), connection.execute_wrapper(forget_on_write):
        yield


class PolicyCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with one_request():
            return self.get_response(request)
