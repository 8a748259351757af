# ruff: noqa: F811 - the fixtures imported from linking_support are used as arguments
"""A finished import is linked at once, in the same process, and its linked rows reach on_linked."""

from django.core.management import call_command

from divert.records.models import FeedImport, ImportStatus, LinkageModelVersion, LinkReview, LinkStatus, StagedRecord
from divert.records.tests.conftest import jail_csv, jail_row
from divert.records.tests.linking_support import (  # noqa: F401 - fixtures
    _linkage_settings,
    active_model,
    linked_rows,
    population,
    stage,
    trained_model,
)


def test_an_import_that_finishes_is_linked_at_once(jail, participant, population, active_model, write, do_import,
                                                   linked_rows):
    path = write(jail_csv([jail_row(1, SID="SID00000001", LAST_NAME="Zyxcanary", FIRST_NAME="Alex"),
                           jail_row(2, LAST_NAME="Xanthopoulos", FIRST_NAME="Perpetua", DOB="11/30/1961")]))
    imp = do_import(jail, path)
    assert imp.status == ImportStatus.FINISHED
    mine = StagedRecord.objects.get(feed_import=imp, row_number=2)
    assert (mine.link_status, mine.person) == (LinkStatus.LINKED, participant)
    assert StagedRecord.objects.get(feed_import=imp, row_number=3).link_status == LinkStatus.NO_MATCH
    assert [[r.pk for r in call] for call in linked_rows] == [[mine.pk]]


def test_a_linking_failure_keeps_the_import(jail, participant, write, do_import, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("divert.records.linking.link_waiting", broken)
    imp = do_import(jail, write(jail_csv([jail_row(1)])))
    assert FeedImport.objects.get(pk=imp.pk).status == ImportStatus.FINISHED
    assert StagedRecord.objects.get(feed_import=imp).link_status == LinkStatus.UNLINKED


def test_divert_link_links_waiting_rows(jail, participant, population, active_model, linked_rows, capsys):
    row = stage(jail, last_name="ZYXCANARY", first_name="ALEX", state_id="SID00000001")
    call_command("link", "--quiet")
    row.refresh_from_db()
    assert row.link_status == LinkStatus.LINKED
    assert "1 linked on identifiers" in capsys.readouterr().out


def test_retraining_uses_review_labels_and_becomes_active(jail, population, active_model, personas, capsys):
    from divert.records.linkage import bench

    frame = bench.synthetic_bookings(bench.synthetic_persons(300, seed=11), 600, seed=5)
    rows = [stage(jail, n=n, last_name=r.last_name, first_name=r.first_name, date_of_birth=r.date_of_birth)
            for n, r in enumerate(frame.itertuples(), start=1)]
    LinkReview.objects.create(staged_record=rows[0], person=population, decision="accepted",
                              decided_by=personas.manager_mo)
    LinkReview.objects.create(staged_record=rows[1], person=population, decision="rejected",
                              decided_by=personas.manager_mo)
    call_command("retrain_linkage", "--quiet", "--by", "manager_mo", "--u-pairs", "1e5", "--em-pairs", "1e5")
    new = LinkageModelVersion.objects.get(active=True)
    assert new.version == active_model.version + 1 and new.trained_labels == 2
    assert new.trained_by == personas.manager_mo and new.trained_records == 600
    active_model.refresh_from_db()
    assert not active_model.active
    assert f"v{new.version}" in capsys.readouterr().out
