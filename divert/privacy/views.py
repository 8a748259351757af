import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from divert.audit.log import log_event
from divert.lib.spreadsheet import neutralise
from divert.participants.models import OPEN_STATUSES, Person
from divert.privacy import actions
from divert.privacy.forms import EventForm, ReleaseForm, RevocationForm
from divert.privacy.models import PART2_KINDS, SCAN_EXTENSIONS, ReleaseOfInformation, scan_content_type
from divert.privacy.policy import (
    REDISCLOSURE_NOTICE,
    Category,
    can_see,
    may_manage_releases,
    may_see_accounting,
    may_see_release,
    visible_persons,
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _person_with_casework(user, person_id: int) -> Person:
    """404 unless the user may see the person's casework: releases are part of the case record."""
    person = visible_persons(user).filter(pk=person_id).first()
    if person is None or not can_see(user, person, Category.CASEWORK):
        raise Http404("No such person")
    return person


def _release_for_user(user, release_id: int, *, manage: bool = False) -> tuple[ReleaseOfInformation, str]:
    release = (ReleaseOfInformation.objects.select_related("person", "recorded_by")
               .prefetch_related("recipients__agency", "revocations__recipients").filter(pk=release_id).first())
    access = may_see_release(user, release) if release is not None else None
    if access is None:
        raise Http404("No such release")
    if manage:
        _require(access == "manage")
    return release, access


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else NON_FIELD_ERRORS, errors)
    else:
        form.add_error(None, error)


@login_required
@require_http_methods(["GET", "POST"])
def release_new(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_with_casework(request.user, person_id)
    _require(may_manage_releases(request.user, person))
    enrollment = person.enrollments.filter(status__in=OPEN_STATUSES).select_related("provider").first()
    form = ReleaseForm(request.POST or None, request.FILES or None, person=person,
                       provider=enrollment.provider if enrollment else None)
    if request.method == "POST" and form.is_valid():
        try:
            release = actions.do_record_release(
                person, actor=request.user, recipients=form.recipient_list(), request=request,
                signature_png=form.cleaned_data["signature_png"], scan=form.cleaned_data["scan"],
                **form.release_fields())
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("The release was recorded."))
            return redirect("release", release.pk)
    return render(request, "privacy/release_new.html", {"person": person, "form": form},
                  status=400 if form.errors else 200)


@login_required
def release_detail(request: HttpRequest, release_id: int) -> HttpResponse:
    release, access = _release_for_user(request.user, release_id)
    actions.log_release_viewed(release, request=request)
    return render(request, "privacy/release_detail.html", {
        "release": release, "person": release.person, "may_manage": access == "manage",
        "notice": REDISCLOSURE_NOTICE if release.is_part2 else None,
        "revocations": list(release.revocations.all()),
    })


@login_required
@require_http_methods(["GET", "POST"])
def release_revoke(request: HttpRequest, release_id: int) -> HttpResponse:
    release, _access = _release_for_user(request.user, release_id, manage=True)
    form = RevocationForm(request.POST or None, release=release)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_revoke_release(release, actor=request.user, scope=data["scope"],
                                      effective_on=data["effective_on"], categories=data["categories"],
                                      recipients=form.recipient_list(), reason=data["reason"], request=request)
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("The revocation was recorded."))
            return redirect("release", release.pk)
    return render(request, "privacy/release_revoke.html", {"release": release, "person": release.person,
                                                           "form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def release_event(request: HttpRequest, release_id: int) -> HttpResponse:
    release, _access = _release_for_user(request.user, release_id, manage=True)
    form = EventForm(request.POST or None, release=release)
    if not form.fields["which"].choices:
        messages.info(request, _("This release has no event left to record."))
        return redirect("release", release.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_record_expiry_event(release, actor=request.user, which=data["which"],
                                           occurred_on=data["occurred_on"], note=data["note"], request=request)
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("The event was recorded."))
            return redirect("release", release.pk)
    return render(request, "privacy/release_event.html", {"release": release, "person": release.person,
                                                          "form": form}, status=400 if form.errors else 200)


def _private_file(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _release_file_for_user(user, release_id: int) -> ReleaseOfInformation:
    """The signed form and the signature are the team's record (recipients read the scope): 404 for anyone else."""
    release = ReleaseOfInformation.objects.select_related("person").filter(pk=release_id).first()
    if release is None or may_see_release(user, release) != "manage":
        raise Http404("No such release")
    return release


@login_required
def release_signature(request: HttpRequest, release_id: int) -> HttpResponse:
    release = _release_file_for_user(request.user, release_id)
    if not release.signature_png:
        raise Http404("No such signature")
    actions.log_release_viewed(release, request=request, part="signature")
    response = HttpResponse(bytes(release.signature_png), content_type="image/png")
    response["Content-Disposition"] = "inline"
    return _private_file(response)


@login_required
def release_scan(request: HttpRequest, release_id: int) -> HttpResponse:
    release = _release_file_for_user(request.user, release_id)
    if not release.scan:
        raise Http404("No such scan")
    try:
        handle = release.scan.open("rb")
    except FileNotFoundError:
        raise Http404("No such scan") from None
    content_type = scan_content_type(handle.read(8))
    handle.seek(0)
    if content_type is None:
        handle.close()
        raise Http404("No such scan")
    actions.log_release_viewed(release, request=request, part="scan")
    response = FileResponse(handle, content_type=content_type, as_attachment=True,
                            filename=f"release-{release.pk}.{SCAN_EXTENSIONS[content_type]}")
    return _private_file(response)


def _accounting(request: HttpRequest, person_id: int):
    person = visible_persons(request.user).filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person")
    _require(may_see_accounting(request.user, person))
    disclosures = (person.disclosures.select_related("release", "recipient", "recipient_agency")
                   .order_by("-at", "-id"))
    # Disclosures under a Part 2 consent say the person is in treatment: only those who may see SUD see them.
    hides_part2 = not can_see(request.user, person, Category.SUD)
    if hides_part2:
        disclosures = disclosures.exclude(part2=True).exclude(release__kind__in=PART2_KINDS)
    return person, disclosures, hides_part2


@login_required
def person_disclosures(request: HttpRequest, person_id: int) -> HttpResponse:
    person, disclosures, hides_part2 = _accounting(request, person_id)
    log_event("divert.disclosure.accounting.viewed", request=request, person=person, target=person)
    page = Paginator(disclosures, 50).get_page(request.GET.get("page"))
    return render(request, "privacy/disclosures.html", {"person": person, "page": page, "hides_part2": hides_part2})


@login_required
def person_disclosures_csv(request: HttpRequest, person_id: int) -> HttpResponse:
    person, disclosures, _hides = _accounting(request, person_id)
    log_event("divert.disclosure.accounting.exported", request=request, person=person, target=person)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="disclosures-{person.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["date", "recipient", "recipient agency", "categories", "purpose", "consent", "part 2"])
    for d in disclosures.iterator():
        recipient = d.recipient.get_full_name() or d.recipient.get_username() if d.recipient else ""
        consent = f"{d.release.get_kind_display()} #{d.release_id}" if d.release else ""
        writer.writerow([neutralise(v) for v in (
            d.at.isoformat(timespec="seconds"), recipient, d.recipient_agency or "", "; ".join(d.category_labels()),
            d.purpose, consent, "yes" if d.part2 else "no")])
    return _private_file(response)
