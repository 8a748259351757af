"""The evaluation pages: results for the evaluator, the policy group's members and the project manager
(aggregates only); comparison cohorts; data-use agreements and the evaluator's extracts. Who may see what is the
privacy policy's: 404 for anyone with no business here, 403 for a reader who may not write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from divert.accounts.roles import Role
from divert.audit.log import log_event
from divert.outcomes.evaluation import actions, presentation
from divert.outcomes.evaluation.forms import AgreementForm, CohortForm, RunForm
from divert.outcomes.evaluation.methods import (
    CALIPER_SD,
    EVENTS_PER_COVARIATE,
    MIN_AT_RISK,
    MIN_GROUP,
    MIN_MATCHED_SHARE,
    MIN_PAIRED,
    SMD_BALANCED,
)
from divert.outcomes.evaluation.models import DataUseAgreement, EvaluatorExtract, ImportedCohort
from divert.outcomes.evaluation.runner import last_run
from divert.privacy import policy

T = "evaluation/"
THRESHOLDS = {"events_per_covariate": EVENTS_PER_COVARIATE, "min_paired": MIN_PAIRED, "min_group": MIN_GROUP,
              "min_at_risk": MIN_AT_RISK, "smd": SMD_BALANCED, "caliper": CALIPER_SD,
              "matched_share": int(MIN_MATCHED_SHARE * 100)}


def _require_reader(user) -> None:
    if not policy.may_see_evaluation(user):
        raise Http404


def _require_runner(user) -> None:
    _require_reader(user)
    if not policy.may_run_evaluation(user):
        raise PermissionDenied


def _agreements_visible(user):
    """The project manager sees every agreement; an evaluator those naming their agency; nobody else any."""
    seat = user.seat if user.is_authenticated else None
    if seat is None:
        raise Http404
    if policy.may_record_data_use_agreement(user):
        return DataUseAgreement.objects.all()
    if seat.role == Role.EVALUATOR:
        return DataUseAgreement.objects.filter(recipient_agency_id=seat.agency_id)
    raise Http404


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    run = last_run()
    may_run = policy.may_run_evaluation(request.user)
    return render(request, T + "index.html", {
        "run": run, "sections": presentation.cards(run.results) if run else [],
        "notes": run.results.get("notes", []) if run else [], "summary": run.results.get("summary", {}) if run else {},
        "may_run": may_run, "form": RunForm() if may_run else None, "thresholds": THRESHOLDS,
        "may_see_agreements": may_run})


@login_required
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    _require_runner(request.user)
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a comparison group and a balancing method."))
        return render(request, T + "index.html", {"run": last_run(), "sections": [], "may_run": True, "form": form,
                                                  "thresholds": THRESHOLDS, "notes": [], "summary": {}},
                      status=400)
    outcome = actions.do_run_evaluation(actor=request.user, request=request, cohort=form.cohort(),
                                        method=form.cleaned_data["method"])
    messages.success(request, _("The evaluation ran in %(s).1f seconds.") % {"s": outcome.seconds})
    return redirect("evaluation")


@login_required
def cohorts(request: HttpRequest) -> HttpResponse:
    _require_runner(request.user)
    form = CohortForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                cohort = actions.do_import_cohort(form.cleaned_data["file"], name=form.cleaned_data["name"],
                                                  description=form.cleaned_data["description"],
                                                  actor=request.user, request=request)
            except actions.CohortRejected as refused:
                problems = refused.problems
                status = 400
            else:
                messages.success(request, _("Imported %(n)d comparison subjects.") % {"n": cohort.subjects})
                return redirect("evaluation_cohorts")
        else:
            status = 400
    return render(request, T + "cohorts.html", {"form": form, "problems": problems[:200],
                                                "more_problems": max(0, len(problems) - 200),
                                                "cohorts": ImportedCohort.objects.all()}, status=status)


@login_required
def agreements(request: HttpRequest) -> HttpResponse:
    visible = _agreements_visible(request.user)
    may_record = policy.may_record_data_use_agreement(request.user)
    form = AgreementForm(request.POST or None) if may_record else None
    status = 200
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.do_record_agreement(actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The data-use agreement is recorded."))
                return redirect("evaluation_agreements")
        status = 400
    in_effect = policy.data_use_agreement_for(request.user)
    extracts = EvaluatorExtract.objects.filter(agreement__in=visible).select_related("agreement", "made_by")
    return render(request, T + "agreements.html", {
        "agreements": visible.select_related("recipient_agency"), "form": form, "in_effect": in_effect,
        "extracts": extracts, "is_evaluator": request.user.seat.role == Role.EVALUATOR}, status=status)


@login_required
@require_POST
def extract_new(request: HttpRequest) -> HttpResponse:
    _agreements_visible(request.user)
    if request.user.seat.role != Role.EVALUATOR:
        raise PermissionDenied
    try:
        made = actions.do_make_extract(actor=request.user, request=request)
    except actions.NoAgreement as refused:
        messages.error(request, str(refused))
        return redirect("evaluation_agreements")
    messages.success(request, _("Extract made: %(rows)d rows.") % {"rows": made.rows})
    return redirect("evaluation_agreements")


@login_required
def extract_download(request: HttpRequest, extract_id: int, fmt: str) -> HttpResponse:
    visible = _agreements_visible(request.user)
    made = get_object_or_404(EvaluatorExtract.objects.filter(agreement__in=visible), pk=extract_id)
    # Only the evaluator the agreement names takes the data; the project manager sees that it was made.
    if request.user.seat.role != Role.EVALUATOR or fmt not in ("csv", "parquet"):
        raise Http404
    data = bytes(made.csv if fmt == "csv" else made.parquet)
    log_event("divert.evaluation.extract.downloaded", request=request, target=made, details={"format": fmt})
    response = HttpResponse(data, content_type="text/csv" if fmt == "csv" else "application/vnd.apache.parquet")
    response["Content-Disposition"] = f'attachment; filename="divert-extract-{made.pk}.{fmt}"'
    return response
