"""/protocol/<version>/edit/: the project manager edits a draft's settings and offenses in one save."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from divert.audit.models import AuditEvent
from divert.protocol import actions

from .factories import OTHER_SEATS, edit_post


def _url(version):
    return reverse("protocol:edit", args=[version])


def _snapshot(protocol):
    protocol.refresh_from_db()
    settings = {f.name: getattr(protocol, f.name) for f in protocol._meta.concrete_fields if f.name != "updated_at"}
    return settings, sorted(protocol.offenses.values_list("code", "label", "category"))


def _edit_events():
    return AuditEvent.objects.filter(action__in=["divert.protocol.draft_changed", "divert.protocol.offenses_changed"])


@pytest.fixture
def mo(login, manager_mo):
    return login(manager_mo)


def test_the_form_shows_the_draft_grouped_in_fieldsets(mo, draft):
    response = mo.get(_url(draft.version))
    assert response.status_code == 200
    text = response.content.decode()
    for legend in ("Doors and approvers", "Exclusion rules", "Catchment area", "Time and capacity",
                   "Divertible offenses"):
        assert f">{legend}</legend>" in text
    assert "Belltown\nDowntown core</textarea>" in text
    assert 'value="VUCSA-POSS"' in text
    assert 'type="checkbox" name="catchment_doors" value="arrest"' in text


def test_saving_changes_settings_and_offenses_with_audit(mo, draft, manager_mo):
    rows = [("VUCSA-POSS", "Drug possession", "drug"), ("PROST", "Prostitution", "sex_work"),
            ("vucsa-del", "Drug delivery, subsistence level", "drug_delivery"),
            ("theft-3", "Theft  under $750", "theft")]
    response = mo.post(_url(draft.version), edit_post(
        draft, offenses=rows, intake_deadline_days="14", drug_quantity_max_grams="4", summary="Two weeks.",
        catchment_areas="Belltown\n  Pioneer   Square \n\nbelltown", catchment_doors=["arrest"],
        catchment_polygon="47.61, -122.355\n47.625, -122.355\n47.625 -122.335\n", social_door_open=None))
    assert response.status_code == 302 and response["Location"] == reverse("protocol:detail", args=[draft.version])
    draft.refresh_from_db()
    assert draft.intake_deadline_days == 14 and draft.drug_quantity_max_grams == Decimal("4")
    assert draft.catchment_areas == ["Belltown", "Pioneer Square"] and draft.catchment_doors == ["arrest"]
    assert draft.catchment_polygon == [[47.61, -122.355], [47.625, -122.355], [47.625, -122.335]]
    assert not draft.social_door_open
    assert ("THEFT-3", "Theft under $750", "theft") in draft.offenses.values_list("code", "label", "category")
    changed = AuditEvent.objects.get(action="divert.protocol.draft_changed")
    assert changed.actor == manager_mo
    assert sorted(changed.details["changes"]) == ["catchment_areas", "catchment_doors", "catchment_polygon",
                                                  "drug_quantity_max_grams", "intake_deadline_days",
                                                  "social_door_open", "summary"]
    offenses = AuditEvent.objects.get(action="divert.protocol.offenses_changed")
    assert offenses.details["added"] == [["THEFT-3", "Theft under $750", "theft"]] and offenses.details["removed"] == []


def test_saving_nothing_writes_no_event(mo, draft):
    response = mo.post(_url(draft.version), edit_post(draft))
    assert response.status_code == 302
    assert not _edit_events().exists()


def test_a_row_can_be_removed(mo, draft):
    data = edit_post(draft)
    removed = data["offenses-0-code"]
    data["offenses-0-DELETE"] = "on"
    assert mo.post(_url(draft.version), data).status_code == 302
    assert removed not in draft.offenses.values_list("code", flat=True) and draft.offenses.count() == 2


def test_a_removed_row_is_not_validated(mo, draft):
    data = edit_post(draft)
    data.update({"offenses-0-DELETE": "on", "offenses-0-label": ""})
    assert mo.post(_url(draft.version), data).status_code == 302
    assert draft.offenses.count() == 2


BAD_INPUT = [
    pytest.param({"intake_deadline_days": "31"}, "The intake deadline must be between 1 and 30 days",
                 id="deadline-31"),
    pytest.param({"intake_deadline_days": "0"}, "The intake deadline must be between 1 and 30 days", id="deadline-0"),
    pytest.param({"caseload_warning": "30", "caseload_maximum": "25"}, "The warning level cannot be above the maximum.",
                 id="warning-above-maximum"),
    pytest.param({"drug_quantity_max_grams": "", "pill_exception": "on"},
                 "The pill exception only means something with a quantity ceiling.", id="pill-exception-no-ceiling"),
    pytest.param({"catchment_polygon": "47.6, -122.3\n47.7, -122.3"}, "An outline needs at least three points.",
                 id="polygon-two-points"),
    pytest.param({"catchment_polygon": "47.6, -122.3\nnorth, west\n47.7, -122.4"},
                 "Line 2 is not &quot;latitude, longitude&quot;", id="polygon-not-numbers"),
    pytest.param({"catchment_polygon": "47.6, -122.3\n147.7, -122.3\n47.7, -122.4"}, "Line 2 is off the map",
                 id="polygon-off-the-map"),
    pytest.param({"arrest_door_open": None, "social_door_open": None, "community_door_open": None},
                 "Open at least one door.", id="no-open-door"),
    pytest.param({"catchment_doors": []}, "Choose the doors the catchment area applies to",
                 id="catchment-without-doors"),
    pytest.param({"catchment_doors": ["walk_in"]}, "Select a valid choice.", id="unknown-door"),
    pytest.param({"name": ""}, "This field is required.", id="no-name"),
    pytest.param({"offenses-3-code": "THEFT", "offenses-3-label": "", "offenses-3-category": "theft"},
                 "This field is required.", id="new-row-without-label"),
    pytest.param({"offenses-3-code": "prost", "offenses-3-label": "Again", "offenses-3-category": "sex_work"},
                 "PROST is listed twice; each code once.", id="duplicate-code"),
    pytest.param({"offenses-3-code": "THEFT 3", "offenses-3-label": "Theft", "offenses-3-category": "theft"},
                 "Use letters, digits", id="code-with-a-space"),
    pytest.param({"offenses-3-code": "THEFT", "offenses-3-label": "Theft", "offenses-3-category": "murder"},
                 "Select a valid choice.", id="unknown-category"),
]


@pytest.mark.parametrize(("overrides", "error"), BAD_INPUT)
def test_bad_input_is_refused_and_nothing_is_saved(mo, draft, overrides, error):
    before = _snapshot(draft)
    # A valid change rides along: it must not be saved either.
    response = mo.post(_url(draft.version), edit_post(draft, handoff_target_minutes="45", **overrides))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing was saved." in text and error in text
    assert _snapshot(draft) == before
    assert not _edit_events().exists()


def test_an_offense_failure_inside_the_write_rolls_back_the_settings(mo, draft, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValidationError("The offense list was refused.")

    monkeypatch.setattr(actions, "do_set_offenses", refuse)
    before = _snapshot(draft)
    response = mo.post(_url(draft.version), edit_post(draft, intake_deadline_days="10"))
    assert response.status_code == 400 and "The offense list was refused." in response.content.decode()
    assert _snapshot(draft) == before
    assert not _edit_events().exists()


def test_an_approved_version_cannot_be_edited(mo, seattle):
    for method in ("get", "post"):
        response = getattr(mo, method)(_url(seattle.version), edit_post(seattle, intake_deadline_days="10")
                                       if method == "post" else None)
        assert response.status_code == 403
        assert "approved versions cannot change; start a new draft" in response.content.decode()
    seattle.refresh_from_db()
    assert seattle.intake_deadline_days == 30


@pytest.mark.parametrize("seat", OTHER_SEATS)
def test_other_seats_are_refused(request, login, draft, seattle, seat):
    client = login(request.getfixturevalue(seat))
    assert client.get(_url(draft.version)).status_code == 403
    assert client.get(_url(seattle.version)).status_code == 403
    assert client.post(_url(draft.version), edit_post(draft, intake_deadline_days="10")).status_code == 403
    draft.refresh_from_db()
    assert draft.intake_deadline_days == 30


def test_anonymous_goes_to_sign_in(client, draft):
    response = client.get(_url(draft.version))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_unknown_version_is_404(mo, draft):
    assert mo.get(_url(99)).status_code == 404
