"""The policy's answers are remembered for one request, so a page that asks about a person ten times asks the
database once. Outside a request (commands, tests calling the policy directly) nothing is remembered."""

from divert.privacy.policy import remembered_decisions


class PolicyCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with remembered_decisions():
            return self.get_response(request)
