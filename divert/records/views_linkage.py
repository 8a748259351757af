"""The review queue's pages: the pairs waiting for a human, and one pair side by side with accept or reject."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from divert.audit.log import log_event
from divert.participants.models import Identifier
from divert.privacy.categories import Category
from divert.records.linkage.engine import Thresholds
from divert.records.models import CandidateStatus, LinkCandidate, LinkReview
from divert.records.review import (
    StaleDecision,
    do_accept,
    do_reject,
    get_candidate_for_user,
    open_candidates,
    reviewable_candidates,
)

PAGE_SIZE = 50


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", gettext_lazy("Same person: link the row to them")),
                                          ("reject", gettext_lazy("Not the same person"))],
                                 widget=forms.RadioSelect, label=gettext_lazy("Decision"))
    reason = forms.CharField(label=gettext_lazy("Reason (optional)"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                             help_text=gettext_lazy("What settled it, for whoever reads this later."))


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    pairs = open_candidates(request.user).order_by("staged_record__occurred_at", "staged_record_id", "rank")
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    visible = reviewable_candidates(request.user).values("pk")
    decided = (LinkReview.objects.filter(candidate__in=visible).select_related("person", "decided_by")
               .order_by("-decided_at")[:10])
    return render(request, "records/review.html", {"page": page, "decided": decided})


@login_required
@require_http_methods(["GET", "POST"])
def review_pair(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = get_candidate_for_user(request.user, candidate_id)
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        act = do_accept if form.cleaned_data["decision"] == "accept" else do_reject
        try:
            outcome = act(candidate.pk, actor=request.user, reason=form.cleaned_data["reason"].strip(),
                          request=request)
        except StaleDecision as stale:
            if stale.same_decision:  # the same reviewer's second click: already done
                messages.info(request, _("Your decision on this pair was already recorded."))
                return redirect(_next_pair(request.user))
            candidate = get_candidate_for_user(request.user, candidate_id)
            form = ReviewForm()
            status = 409
        else:
            if outcome.review.is_match:
                messages.success(request, _("Linked: the row now belongs to the person."))
            else:
                messages.success(request, _("Recorded: not the same person."))
            following = outcome.next_candidate
            if following is not None and reviewable_candidates(request.user).filter(pk=following.pk).exists():
                return redirect("records_review_pair", following.pk)
            return redirect(_next_pair(request.user))
    elif request.method == "POST":
        status = 400
    else:
        log_event("divert.records.link.viewed", request=request, person=candidate.person, category=Category.LEGAL,
                  target=candidate.staged_record, details={"candidate": candidate.pk})
    return render(request, "records/review_pair.html", _pair_context(candidate, form), status=status)


def _next_pair(user) -> str:
    from django.urls import reverse

    following = open_candidates(user).order_by("staged_record__occurred_at", "staged_record_id", "rank").first()
    return reverse("records_review_pair", args=[following.pk]) if following else reverse("records_review")


# --- Side by side ---------------------------------------------------------------------------------------------


@dataclass
class FieldRow:
    label: str
    on_row: str
    in_divert: str
    agreement: str  # agrees, close, differs, unknown

    @property
    def agreement_text(self) -> str:
        return {"agrees": _("Agrees"), "close": _("Close (typo, nickname or swap)"), "differs": _("Differs"),
                "unknown": _("Not known on both sides")}[self.agreement]


def _name_agreement(value: str, others: list[str], first: bool = False) -> str:
    import jellyfish

    from divert.records.linkage.normalise import canonical_first_name, clean_name, phonetic

    mine = clean_name(value)
    theirs = [n for n in (clean_name(o) for o in others) if n]
    if not mine or not theirs:
        return "unknown"
    if mine in theirs:
        return "agrees"
    for other in theirs:
        if (jellyfish.jaro_winkler_similarity(mine, other) >= 0.88 or phonetic(mine) == phonetic(other)
                or (first and canonical_first_name(mine) == canonical_first_name(other))):
            return "close"
    return "differs"


def _dob_text(row) -> str:
    if row.date_of_birth:
        return row.date_of_birth.isoformat()
    if row.dob_year:
        return f"{row.dob_year:04d}-{row.dob_month or 0:02d}-{row.dob_day or 0:02d}".replace("-00", "-??")
    return ""


def _dob_agreement(row, person) -> str:
    born = person.date_of_birth
    if not row.dob_year or born is None:
        return "unknown"
    mine = (row.dob_year, row.dob_month, row.dob_day)
    theirs = (born.year, born.month, born.day)
    if mine == theirs:
        return "agrees"
    known_agree = all(a is None or a == b for a, b in zip(mine, theirs, strict=True))
    swapped = mine == (born.year, born.day, born.month)
    digits_off = sum(a != b for a, b in zip(f"{mine[0]:04d}{mine[1] or 0:02d}{mine[2] or 0:02d}",
                                            born.strftime("%Y%m%d"), strict=True))
    return "close" if known_agree or swapped or digits_off == 1 else "differs"


def _identifier_row(label: str, value: str, values: list[str]) -> FieldRow:
    from divert.records.linkage.normalise import clean_identifier

    if not value or not values:
        agreement = "unknown"
    else:
        agreement = "agrees" if clean_identifier(value) in {clean_identifier(v) for v in values} else "differs"
    return FieldRow(label, value, ", ".join(values), agreement)


def compare_fields(row, person) -> list[FieldRow]:
    """The staged row and the person, field by field, with whether each agrees."""
    aliases = list(person.aliases.values_list("name", flat=True))
    alias_lasts = [a.partition(",")[0] if "," in a else a.rsplit(" ", 1)[-1] for a in aliases]
    alias_firsts = [a.partition(",")[2] if "," in a else a.split(" ", 1)[0] for a in aliases]
    ids: dict[str, list[str]] = {}
    for kind, value in person.identifiers.values_list("kind", "value"):
        ids.setdefault(kind, []).append(value)
    rows = [
        FieldRow(_("Last name"), row.last_name, person.last_name,
                 _name_agreement(row.last_name, [person.last_name, *alias_lasts])),
        FieldRow(_("First name"), row.first_name, person.first_name,
                 _name_agreement(row.first_name, [person.first_name, *alias_firsts], first=True)),
        FieldRow(_("Middle name"), row.middle_name, person.middle_name,
                 _name_agreement(row.middle_name, [person.middle_name])),
        FieldRow(_("Date of birth"), _dob_text(row), person.date_of_birth.isoformat() if person.date_of_birth else "",
                 _dob_agreement(row, person)),
        _identifier_row(_("State ID"), row.state_id, ids.get(Identifier.Kind.STATE_ID, [])),
        _identifier_row(_("FBI number"), row.fbi_number, ids.get(Identifier.Kind.FBI, [])),
        _identifier_row(_("Jail person id"), row.jail_person_id, ids.get(Identifier.Kind.JAIL_ID, [])),
    ]
    swapped = _name_agreement(row.first_name, [person.last_name]) == "agrees" and _name_agreement(
        row.last_name, [person.first_name]) == "agrees"
    if swapped:
        rows[0].agreement = rows[1].agreement = "close"
    return rows


def _pair_context(candidate: LinkCandidate, form: ReviewForm) -> dict:
    row, person = candidate.staged_record, candidate.person
    version = candidate.model_version
    thresholds = (Thresholds(version.auto_link_threshold, version.review_threshold) if version else Thresholds())
    others = LinkCandidate.objects.filter(staged_record=row).exclude(pk=candidate.pk)
    decision = getattr(candidate, "review", None) if candidate.status != CandidateStatus.OPEN else None
    return {
        "candidate": candidate, "row": row, "person": person, "fields": compare_fields(row, person),
        "aliases": list(person.aliases.values_list("name", flat=True)),
        "thresholds": thresholds, "form": form, "decision": decision,
        "open": candidate.status == CandidateStatus.OPEN and row.link_status == "review",
        "other_candidates": others.count(),
        "percent": round(candidate.match_probability * 100, 1) if candidate.match_probability is not None else None,
    }
