"""Pages for letters to courts and probation: new, edit, preview, send, download and discard.

Only the person's case-management team reads a letter; every read is audited. The project manager may know that a
letter was sent (the person page lists it) but gets 403 on its pages; anyone else gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from divert.casework.actions_assessment import current_enrollment
from divert.coordination import actions_letters as actions
from divert.coordination.forms_letters import LetterForm, NewLetterForm, SendForm, VersionForm
from divert.coordination.models import Letter, LetterLocked
from divert.lib.pdf import pdf_available, pdf_response
from divert.privacy.policy import Category
from divert.web.access import get_person_for_user


def get_letter_for_user(user, letter_id: int) -> Letter:
    """The letter, for the person's case-management team. 403 for the project manager on a sent letter (they may
    know it was sent, not what it says); 404 for everyone else, who may not know it exists."""
    letter = (Letter.objects.select_related("person", "enrollment__provider", "recipient", "written_by", "sent_by",
                                            "release", "part2_release").filter(pk=letter_id).first())
    if letter is None:
        raise Http404("No such letter")
    person = get_person_for_user(user, letter.person_id)
    if actions.may_write_letters(user, person):
        return letter
    if letter.is_sent and actions.may_know_of_sent_letters(user, person):
        raise PermissionDenied
    raise Http404("No such letter")


def _posted(request: HttpRequest):
    """The submitted data on a POST (even an empty one, which then fails validation), None on a GET."""
    return request.POST if request.method == "POST" else None


def _status(form) -> int:
    return 400 if form is not None and form.errors else 200


@login_required
@require_http_methods(["GET", "POST"])
def letter_new(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id, Category.CASEWORK)
    if not actions.may_write_letters(request.user, person):
        raise PermissionDenied
    goals = actions.letter_goals(person, current_enrollment(request.user, person))
    form = NewLetterForm(_posted(request), goals=goals)
    if request.method == "POST" and form.is_valid():
        try:
            letter = actions.do_draft_letter(person, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Draft started from the plan. Read and edit every section before sending."))
            return redirect("letter_edit", letter.pk)
    return render(request, "coordination/letters/new.html", {
        "person": person, "form": form, "releases": actions.release_status(person)}, status=_status(form))


@login_required
def letter_detail(request: HttpRequest, letter_id: int) -> HttpResponse:
    """The letter as it reads (a draft's preview, or what was sent)."""
    letter = get_letter_for_user(request.user, letter_id)
    actions.log_letter_read(letter, request=request)
    plan = None if letter.is_sent else actions.release_plan(letter.person, letter.recipient, letter.include_sud)
    return render(request, "coordination/letters/detail.html", {
        "letter": letter, "person": letter.person, "plan": plan, "discard_form": VersionForm(
            initial={"version": letter.version}),
        "refusal": "" if letter.is_sent or plan else actions.missing_release_message(
            letter.recipient, letter.include_sud, letter.person)})


@login_required
@require_http_methods(["GET", "POST"])
def letter_edit(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = get_letter_for_user(request.user, letter_id)
    if letter.is_sent:
        messages.info(request, _("This letter was sent and can no longer change."))
        return redirect("letter", letter.pk)
    form = LetterForm(_posted(request), instance=Letter.objects.get(pk=letter.pk))
    context = {"letter": letter, "person": letter.person, "form": form}
    if request.method == "GET":
        actions.log_letter_read(letter, request=request, how="edit")
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            actions.do_edit_letter(letter, actor=request.user, version=form.cleaned_data["version"],
                                   request=request, **data)
        except actions.StaleLetter:
            fresh = Letter.objects.get(pk=letter.pk)
            return render(request, "coordination/letters/edit.html", {
                **context, "letter": fresh, "form": LetterForm(instance=fresh),
                "stale": actions.STALE_MESSAGE}, status=409)
        except LetterLocked:
            messages.info(request, _("This letter was sent meanwhile; nothing was changed."))
            return redirect("letter", letter.pk)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("letter", letter.pk)
    return render(request, "coordination/letters/edit.html", context, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def letter_send(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = get_letter_for_user(request.user, letter_id)
    if letter.is_sent:
        messages.info(request, _("This letter was already sent."))
        return redirect("letter", letter.pk)
    form = SendForm(_posted(request), initial={"version": letter.version, "sent_on": timezone.localdate()})
    plan = actions.release_plan(letter.person, letter.recipient, letter.include_sud)
    context = {"letter": letter, "person": letter.person, "form": form, "plan": plan,
               "pdf_available": pdf_available(),
               "refusal": "" if plan else actions.missing_release_message(letter.recipient, letter.include_sud,
                                                                          letter.person)}
    status = _status(form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_send_letter(letter, actor=request.user, sent_on=data["sent_on"], method=data["method"],
                                   version=data["version"], request=request)
        except actions.LetterRefused as e:
            context["refusal"] = e.messages[0]
            status = 409
        except actions.StaleLetter:
            context["stale"] = actions.STALE_MESSAGE
            status = 409
        except LetterLocked:
            messages.info(request, _("This letter was already sent."))
            return redirect("letter", letter.pk)
        except ValidationError as e:
            form.add_error(None, e)
            status = 400
        else:
            messages.success(request, _("Letter sent and recorded as a disclosure. Download the PDF below."))
            return redirect("letter", letter.pk)
    return render(request, "coordination/letters/send.html", context, status=status)


@login_required
@require_POST
def letter_discard(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = get_letter_for_user(request.user, letter_id)
    if letter.is_sent:
        raise PermissionDenied
    form = VersionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("The form is damaged; open the letter again."))
    try:
        actions.do_discard_letter(letter, actor=request.user, version=form.cleaned_data["version"], request=request)
    except actions.StaleLetter:
        messages.error(request, actions.STALE_MESSAGE)
        return redirect("letter", letter.pk)
    messages.success(request, _("Draft discarded."))
    return redirect("person", letter.person_id)


@login_required
def letter_pdf(request: HttpRequest, letter_id: int) -> HttpResponse:
    """The PDF exactly as it was sent (checked against its SHA-256). A draft has none: it is previewed as a page."""
    letter = get_letter_for_user(request.user, letter_id)
    if not letter.is_sent:
        raise Http404("A draft has no PDF")
    if not letter.pdf_intact():
        raise RuntimeError(f"letter #{letter.pk}: the stored PDF does not match its SHA-256")
    actions.log_letter_read(letter, request=request, how="pdf")
    return pdf_response(bytes(letter.pdf), f"letter-{letter.pk}-{letter.sent_on:%Y-%m-%d}.pdf")
