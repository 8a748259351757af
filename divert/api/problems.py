"""Every error the API gives is an RFC 9457 problem detail (application/problem+json), one shape for all."""

import json

from django.http import HttpResponse
from ninja import Schema

MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Unprocessable request",
    428: "Precondition required",
    429: "Too many requests",
}
SLUGS = {
    400: "bad-request", 401: "not-authenticated", 403: "not-allowed", 404: "not-found", 405: "method-not-allowed",
    409: "conflict", 412: "precondition-failed", 413: "too-large", 415: "unsupported-media-type",
    422: "invalid", 428: "precondition-required", 429: "rate-limited",
}


class FieldError(Schema):
    field: str
    message: str


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None


class Problem(Exception):
    """Raise anywhere in an endpoint to answer with a problem detail."""

    def __init__(self, status: int, detail: str, *, errors: list[dict] | None = None, headers: dict | None = None,
                 slug: str | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors, self.headers = status, str(detail), errors, headers or {}
        self.slug = slug


def problem_type(status: int, slug: str | None = None) -> str:
    return f"urn:divert:problem:{slug or SLUGS.get(status, 'error')}"


def problem_response(request, status: int, detail: str, *, errors: list[dict] | None = None,
                     headers: dict | None = None, slug: str | None = None) -> HttpResponse:
    body = {"type": problem_type(status, slug), "title": TITLES.get(status, "Error"), "status": status,
            "detail": str(detail), "instance": request.path if request is not None else None}
    if errors is not None:
        body["errors"] = [{"field": str(e["field"]), "message": str(e["message"])} for e in errors]
    response = HttpResponse(json.dumps(body), status=status, content_type=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def field_errors_from_ninja(errors: list[dict]) -> list[dict]:
    """ninja/pydantic error dicts -> [{field, message}] with dotted field paths (body.first_name, query.limit)."""
    out = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("payload",)]
        out.append({"field": ".".join(loc) or "body", "message": error.get("msg", "invalid")})
    return out


def field_errors_from_django(exc) -> list[dict]:
    """A Django ValidationError (from a form or a do_* function) -> [{field, message}]."""
    if hasattr(exc, "error_dict"):
        return [{"field": "__all__" if name == "__all__" else name, "message": " ".join(str(m) for m in msgs)}
                for name, msgs in ((n, [m for e in errs for m in e.messages]) for n, errs in exc.error_dict.items())]
    return [{"field": "__all__", "message": message} for message in exc.messages]
