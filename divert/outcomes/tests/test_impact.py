"""The public impact page and its static site: aggregates only, suppressed, logged, no canary."""

from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from conftest import IDENTITY_CANARY, SUD_CANARY
from divert.audit.models import AuditEvent
from divert.outcomes.models import FigureSnapshot, SuppressionDecision
from divert.outcomes.public import public_figures, tables_of
from divert.outcomes.tests.site import TODAY, build_site


@pytest.fixture
def site(agencies, personas, participant):
    with time_machine.travel(TODAY, tick=False):
        yield build_site(agencies, personas, participant)


def test_the_page_answers_without_sign_in_and_hides_small_cells(site, client):
    response = client.get("/impact/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>What the program does</h1>" in html and html.count("<h1") == 1
    assert "How these figures are made" in html and "<svg" in html
    # Every count on this tiny site is below k = 11: none is shown, the headline says "Fewer than 11".
    assert "Fewer than 11" in html
    tables = tables_of(public_figures())
    door = tables["referrals_by_door"]
    assert all(v == [None] for v in door.values) and door.hidden[0] == ["primary"]
    assert IDENTITY_CANARY not in html and SUD_CANARY not in html


def test_figures_are_computed_once_per_state_of_the_data_and_every_decision_is_logged(site, client):
    client.get("/impact/")
    decisions = SuppressionDecision.objects.filter(release="public").count()
    assert decisions > 0
    assert AuditEvent.objects.filter(action="divert.outcomes.suppression.applied").count() == 1
    client.get("/impact/")  # same data: kept figures, nothing logged again
    assert SuppressionDecision.objects.filter(release="public").count() == decisions
    from divert.casework.models import Contact

    Contact.objects.create(person=site["p1"], occurred_at=TODAY, recorded_by=site["p1"].enrollments.first()
                           .case_manager)
    client.get("/impact/")  # new data: computed again
    assert AuditEvent.objects.filter(action="divert.outcomes.suppression.applied").count() == 2
    assert FigureSnapshot.objects.filter(key="public").count() == 1


def test_with_a_lower_threshold_larger_counts_show(site, client):
    from divert.protocol.models import DiversionProtocol

    DiversionProtocol.objects.filter(pk=site["protocol"].pk).update(suppression_threshold=2)
    tables = tables_of(public_figures())
    by_door = dict(zip(tables["referrals_by_door"].rows, tables["referrals_by_door"].values, strict=True))
    # Community: 2 referrals (shown at k = 2); arrest and social: 1 each (hidden); the total 4 is shown, and
    # because two cells are hidden neither can be worked out from it.
    assert by_door["Community referral"] == [2] and by_door["Arrest diversion"] == [None]
    assert by_door["Social contact"] == [None] and by_door["Total"] == [4]


def test_publish_impact_writes_a_static_site(site, tmp_path):
    out = tmp_path / "site"
    call_command("publish_impact", str(out))
    html = (out / "index.html").read_text()
    assert 'href="assets/impact.css"' in html and (out / "assets" / "impact.css").exists()
    assert (out / "assets" / "referrals_by_door.svg").read_text().startswith("<svg")
    assert "/static/" not in html and "http" not in html.replace('http://www.w3.org/2000/svg', '')
    assert IDENTITY_CANARY not in html and SUD_CANARY not in html
    assert AuditEvent.objects.filter(action="divert.outcomes.impact.published").exists()


def test_publish_impact_refuses_a_file_as_the_folder(site, tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(CommandError, match="not a folder"):
        call_command("publish_impact", str(target))
    assert Path(target).read_text() == "x"
