"""The API object and what every endpoint shares: token authentication, scopes, rate limits, problem details,
cursor pages with `updated_since`, ETags and If-Match, and idempotent writes."""

import hashlib
import json
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.http.request import RawPostDataException
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

from divert.api import tokens
from divert.api.models import ApiToken, IdempotentResponse
from divert.api.problems import (
    MEDIA_TYPE,
    Problem,
    field_errors_from_django,
    field_errors_from_ninja,
    problem_response,
)

logger = logging.getLogger(__name__)

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
LAST_USED_EVERY = timedelta(minutes=1)


# --- Authentication ---------------------------------------------------------------------------------------------

class TokenAuth(HttpBearer):
    """`Authorization: Bearer dvt_...`. The call then acts as the token's user, in that user's seat."""

    def authenticate(self, request, token: str):
        parts = tokens.split(token.strip())
        if parts is None:
            return None
        prefix, secret = parts
        found = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
        if found is None or not tokens.matches(secret, found.secret_hash):
            return None
        if not found.is_usable:
            from divert.audit.log import log_event

            log_event("divert.api.token.refused", actor=found.user, target=found,
                      details={"api_token": found.prefix, "state": found.state, "path": request.path[:200]})
            return None
        request.user = found.user
        request.api_token = found
        rate_limit(found)
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found


def rate_limit(token: ApiToken) -> None:
    """A fixed window per token in the shared (database) cache: DIVERT_API_RATE_LIMIT calls per
    DIVERT_API_RATE_WINDOW seconds."""
    limit = getattr(settings, "DIVERT_API_RATE_LIMIT", 600)
    window = max(1, getattr(settings, "DIVERT_API_RATE_WINDOW", 60))
    if limit <= 0:
        return
    now = timezone.now().timestamp()
    slot = int(now // window)
    key = f"divert-api-rate:{token.pk}:{slot}"
    cache.add(key, 0, timeout=window * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window * 2)
        count = 1
    if count > limit:
        retry = max(1, int((slot + 1) * window - now) + 1)
        raise Problem(429, f"This token made more than {limit} calls in {window} seconds; try again in {retry} "
                      "seconds.", headers={"Retry-After": str(retry)})


def need(request, resource: str, access: str) -> None:
    """403 unless the token carries the scope `resource:access` (write implies nothing about read)."""
    scope = f"{resource}:{access}"
    token = getattr(request, "api_token", None)
    if token is None or scope not in token.scopes:
        raise Problem(403, f"This token does not carry the scope {scope}.", slug="missing-scope")


class JSONParser(Parser):
    """Bodies are JSON: another media type is 415, JSON that does not parse is 400 (both problem details)."""

    def parse_body(self, request):
        media_type = (request.content_type or "").lower()
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise Problem(415, "Send the body as application/json.")
        try:
            return json.loads(request.body or b"null")
        except ValueError:
            raise Problem(400, "The body is not valid JSON.") from None


# --- The API object --------------------------------------------------------------------------------------------

ERROR_STATUSES_READ = (400, 401, 403, 404, 422, 429)
ERROR_STATUSES_WRITE = (409, 412, 413, 415, 428)


class DivertAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        problem_ref = {"$ref": "#/components/schemas/ProblemOut"}
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if "ProblemOut" not in components:
            from divert.api.problems import ProblemOut

            components["ProblemOut"] = ProblemOut.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in components["ProblemOut"].pop("$defs", {}).items():
                components.setdefault(name, sub)
        for path_item in schema.get("paths", {}).values():
            for method, operation in path_item.items():
                responses = {str(k): v for k, v in operation.get("responses", {}).items()}
                operation["responses"] = responses
                statuses = ERROR_STATUSES_READ + (ERROR_STATUSES_WRITE if method != "get" else ())
                for status in statuses:
                    responses[str(status)] = {"description": str(status),
                                              "content": {MEDIA_TYPE: {"schema": problem_ref}}}
                for status, response in responses.items():
                    if status.startswith(("4", "5")) and "application/json" in response.get("content", {}):
                        response["content"] = {MEDIA_TYPE: response["content"].pop("application/json")}
        return schema


api = DivertAPI(
    title="Divert API",
    version="1",
    description="The program's data for partners' systems, under the same privacy policy as the pages. "
                "See docs/api.md.",
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=JSONParser(),
)


@api.exception_handler(Problem)
def _problem(request, exc: Problem):
    return problem_response(request, exc.status, exc.detail, errors=exc.errors, headers=exc.headers, slug=exc.slug)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    return problem_response(request, 422, "The request did not pass validation; see errors.",
                            errors=field_errors_from_ninja(exc.errors))


@api.exception_handler(DjangoValidationError)
def _refused(request, exc: DjangoValidationError):
    return problem_response(request, 422, " ".join(exc.messages) or "The request was refused.",
                            errors=field_errors_from_django(exc))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem_response(request, 401, "A valid, unexpired and unrevoked token is needed: "
                            "Authorization: Bearer dvt_...", headers={"WWW-Authenticate": 'Bearer realm="divert"'})


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, Problem):  # ninja wraps what the body parser raises
        return _problem(request, exc.__cause__)
    return problem_response(request, exc.status_code, str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem_response(request, 404, "Nothing here, or nothing this token may see.")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return problem_response(request, 403, str(exc) or "This seat may read this but not change it.")


# --- Lists: cursor pages, stable order, updated_since -----------------------------------------------------------

def page(queryset, *, cursor: int | None, limit: int | None, updated_since: datetime | None,
         updated_field: str = "updated_at"):
    """Items in id order after `cursor`, changed at or after `updated_since`; (items, next_cursor)."""
    limit = DEFAULT_LIMIT if limit is None else limit
    if updated_since is not None:
        if timezone.is_naive(updated_since):
            updated_since = timezone.make_aware(updated_since, timezone.get_default_timezone())
        queryset = queryset.filter(**{f"{updated_field}__gte": updated_since})
    if cursor is not None:
        queryset = queryset.filter(pk__gt=cursor)
    items = list(queryset.order_by("pk")[:limit + 1])
    next_cursor = items[limit - 1].pk if len(items) > limit else None
    return items[:limit], next_cursor


# --- ETag / If-Match ---------------------------------------------------------------------------------------------

def etag_of(data) -> str:
    text = json.dumps(data, sort_keys=True, default=_json_default)
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def check_if_match(request, current_etag: str) -> None:
    """428 without If-Match, 412 when it names another version than the one stored now."""
    wanted = request.headers.get("If-Match", "").strip()
    if not wanted:
        raise Problem(428, "Updates need an If-Match header with the ETag of the version you read.")
    candidates = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
    if "*" not in candidates and current_etag not in candidates:
        raise Problem(412, "It changed since you read it: read it again (new ETag) and retry.",
                      headers={"ETag": current_etag})


# --- Idempotent writes -------------------------------------------------------------------------------------------

def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.path.encode() + b"\n")
    try:
        digest.update(request.body or b"")
    except RawPostDataException:  # multipart, already read: its fields and files instead
        for name, value in sorted(request.POST.items()):
            digest.update(f"{name}={value}\n".encode())
        for name, upload in sorted(request.FILES.items()):
            digest.update(f"{name}:{upload.name}:".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def idempotent(request, response, write):
    """Run `write()` -> (status, data) once per Idempotency-Key of this token. The same key with the same request
    gives back the stored answer (header Idempotent-Replayed: true); with another request, 422; while the first is
    still running, 409. Without the header the write simply runs."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return write()
    if len(key) > 200:
        raise Problem(400, "An Idempotency-Key is at most 200 characters.")
    token = request.api_token
    fingerprint = _fingerprint(request)
    try:
        with transaction.atomic():
            record = IdempotentResponse.objects.create(token=token, key=key, fingerprint=fingerprint, status=0)
    except IntegrityError:
        stored = IdempotentResponse.objects.get(token=token, key=key)
        if stored.fingerprint != fingerprint:
            raise Problem(422, "This Idempotency-Key was used for a different request; use a new key.",
                          slug="idempotency-key-reused") from None
        if stored.status == 0:
            raise Problem(409, "The first request with this Idempotency-Key is still being answered.",
                          headers={"Retry-After": "1"}) from None
        response["Idempotent-Replayed"] = "true"
        return stored.status, stored.body
    try:
        status, data = write()
    except BaseException:
        record.delete()  # a refused write keeps nothing: the client may correct it and retry with the same key
        raise
    body = json.loads(json.dumps(data, default=_json_default))
    IdempotentResponse.objects.filter(pk=record.pk).update(status=status, body=body)
    return status, data


def _json_default(value):
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
