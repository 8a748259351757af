"""The API call log: one row per call answered with a token (who, what, the outcome)."""

from divert.api.models import ApiCall


class ApiCallLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token = getattr(request, "api_token", None)
        if token is not None:
            ApiCall.objects.create(token=token, method=request.method[:10], path=request.path[:300],
                                   status=response.status_code, request_id=getattr(request, "request_id", "")[:64])
        return response
