import pytest

from divert.audit.models import AuditEvent
from divert.casework.actions_assessment import do_copy_instrument, install_default_instrument
from divert.casework.models import Instrument, InstrumentLocked, Question, QuestionKind, Section
from divert.privacy.policy import Category

pytest_plugins = ["divert.casework.tests.conftest_assessment"]


def test_default_instrument_covers_every_area_and_is_published(instrument):
    assert str(instrument) == "LEAD intake and assessment v1"
    assert instrument.is_published and instrument.published_at
    titles = [s.title for s in instrument.sections.all()]
    for area in ("About the participant", "Housing", "Income and benefits", "Employment", "Education",
                 "Health coverage", "Physical health", "Mental health", "Substance use", "Children and family",
                 "Legal obligations", "Immediate needs"):
        assert area in titles
    questions = {q.key: q for q in instrument.questions()}
    race = questions["race_ethnicity"]
    assert race.kind == QuestionKind.MULTIPLE and race.category == Category.CASEWORK
    values = [v for v, _label in race.choices]
    assert {"american_indian_alaska_native", "asian", "black", "hispanic_latino", "native_hawaiian_pacific_islander",
            "white", "prefer_not_to_say"} <= set(values)
    assert questions["sud_notes"].category == Category.SUD
    assert questions["substances"].category == Category.SUD
    assert questions["mental_health_notes"].category == Category.HEALTH
    assert questions["health_notes"].category == Category.HEALTH
    assert questions["legal_notes"].category == Category.LEGAL


def test_install_default_instrument_is_idempotent(instrument):
    again = install_default_instrument()
    assert again.pk == instrument.pk
    assert Instrument.objects.count() == 1
    assert Question.objects.count() == instrument.questions().count()


def test_published_instrument_is_immutable(instrument):
    instrument.name = "Changed"
    with pytest.raises(InstrumentLocked):
        instrument.save()
    section = instrument.sections.first()
    section.title = "Changed"
    with pytest.raises(InstrumentLocked):
        section.save()
    question = instrument.questions().first()
    question.text = "Changed"
    with pytest.raises(InstrumentLocked):
        question.save()
    with pytest.raises(InstrumentLocked):
        question.delete()
    with pytest.raises(InstrumentLocked):
        Section.objects.create(instrument=instrument, title="New")
    with pytest.raises(InstrumentLocked):
        instrument.delete()


# --- Pages ---------------------------------------------------------------------------------------------------

def test_project_manager_lists_views_copies_edits_and_publishes(manager_mo, instrument, login):
    client = login(manager_mo)
    assert b"LEAD intake and assessment v1" in client.get("/instruments/").content
    page = client.get(f"/instruments/{instrument.pk}/")
    assert page.status_code == 200 and b"Race and ethnicity" in page.content
    response = client.post(f"/instruments/{instrument.pk}/copy/")
    draft = Instrument.objects.get(version=2)
    assert response.status_code == 302 and response.url == f"/instruments/{draft.pk}/"
    assert draft.state == Instrument.State.DRAFT and draft.based_on == instrument
    assert draft.questions().count() == instrument.questions().count()

    section = draft.sections.get(title="Housing")
    response = client.post(f"/instruments/{draft.pk}/questions/new/", {
        "version": draft.updated_at.isoformat(), "section": section.pk, "order": 9, "key": "eviction",
        "text": "Evicted in the last year", "kind": "yes_no", "category": "casework", "choices": ""})
    assert response.status_code == 302
    assert Question.objects.get(section=section, key="eviction").kind == "yes_no"

    draft.refresh_from_db()
    response = client.post(f"/instruments/{draft.pk}/publish/", {"version": draft.updated_at.isoformat(),
                                                                 "confirm": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.published_by == manager_mo
    assert Instrument.objects.current() == draft
    actions = list(AuditEvent.objects.filter(action__startswith="divert.instrument.").values_list("action", flat=True))
    assert actions == ["divert.instrument.drafted", "divert.instrument.changed", "divert.instrument.published"]


def test_published_version_refuses_edits(manager_mo, instrument, login):
    client = login(manager_mo)
    question = instrument.questions().first()
    assert client.get(f"/instruments/{instrument.pk}/questions/{question.pk}/").status_code == 403
    response = client.post(f"/instruments/{instrument.pk}/questions/{question.pk}/", {
        **{"version": instrument.updated_at.isoformat(), "section": question.section_id, "order": 1,
           "key": question.key, "text": "Changed", "kind": "text", "category": "casework"}})
    assert response.status_code == 403
    assert client.post(f"/instruments/{instrument.pk}/publish/", {"confirm": "on"}).status_code == 403
    question.refresh_from_db()
    assert question.text != "Changed"


def test_supervisor_reads_instruments_but_may_not_change_them(supervisor_sue, manager_mo, instrument, login):
    draft = do_copy_instrument(instrument, actor=manager_mo)
    client = login(supervisor_sue)
    assert client.get("/instruments/").status_code == 200
    assert client.get(f"/instruments/{instrument.pk}/").status_code == 200
    assert client.post(f"/instruments/{instrument.pk}/copy/").status_code == 403
    assert client.get(f"/instruments/{draft.pk}/sections/new/").status_code == 403
    publish = {"confirm": "on", "version": draft.updated_at.isoformat()}
    assert client.post(f"/instruments/{draft.pk}/publish/", publish).status_code == 403


@pytest.mark.parametrize("name", ["officer_olivia", "prosecutor_pat", "defender_dana", "evaluator_eve"])
def test_other_seats_get_403(name, personas, instrument, login):
    client = login(getattr(personas, name))
    assert client.get("/instruments/").status_code == 403
    assert client.get(f"/instruments/{instrument.pk}/").status_code == 403


def test_unknown_instrument_is_404(manager_mo, instrument, login):
    assert login(manager_mo).get("/instruments/99999/").status_code == 404


def test_bad_question_is_refused(manager_mo, instrument, login):
    draft = do_copy_instrument(instrument, actor=manager_mo)
    client = login(manager_mo)
    section = draft.sections.first()
    count = draft.questions().count()
    base = {"version": draft.updated_at.isoformat(), "section": section.pk, "order": 1, "text": "Q",
            "category": "casework"}
    # a choice question without choices; a key already used; an unknown category
    for data in ({"key": "new_one", "kind": "single", "choices": ""},
                 {"key": "race_ethnicity", "kind": "text"},
                 {"key": "other_one", "kind": "text", "category": "everything"}):
        response = client.post(f"/instruments/{draft.pk}/questions/new/", {**base, **data})
        assert response.status_code == 400, data
    assert draft.questions().count() == count


def test_stale_draft_edit_is_refused(manager_mo, instrument, login):
    draft = do_copy_instrument(instrument, actor=manager_mo)
    client = login(manager_mo)
    opened = draft.updated_at.isoformat()
    assert client.post(f"/instruments/{draft.pk}/sections/new/", {"version": opened, "title": "A", "order": 20}
                       ).status_code == 302
    response = client.post(f"/instruments/{draft.pk}/sections/new/", {"version": opened, "title": "B", "order": 21})
    assert response.status_code == 409
    assert b"changed by someone else since you opened it" in response.content
    assert not draft.sections.filter(title="B").exists()
