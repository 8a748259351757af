import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from divert.audit.log import log_event, verify_chain
from divert.audit.models import GENESIS_HASH, AppendOnlyError, AuditChainHead, AuditEvent


def _events(n, actor=None, person=None):
    return [log_event(f"divert.test.event_{i}", actor=actor, person=person, details={"i": i, "note": "é"})
            for i in range(n)]


def _raw_update(sql, params):
    """Change or remove a row the way an attacker with database access would, past the application's refusal."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_update")
            cursor.execute(sql, params)


def test_events_form_a_chain(db, case_manager_cam, participant):
    events = _events(3, actor=case_manager_cam, person=participant)
    assert events[0].prev_hash == GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_event_id, head.last_hash) == (events[2].pk, events[2].hash)
    stored = AuditEvent.objects.get(pk=events[0].pk)
    assert stored.actor_username == "case_manager_cam"
    assert stored.role == "case_manager"
    assert stored.agency_id == case_manager_cam.seat.agency_id
    assert stored.person_id == participant.pk
    report = verify_chain()
    assert report.intact and report.checked == 3


def test_request_details_are_recorded(db, login, manager_mo, participant):
    client = login(manager_mo)
    response = client.get(f"/people/{participant.pk}/", HTTP_X_REQUEST_ID="req-abc-12345", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="divert.person.viewed")
    assert event.request_id == "req-abc-12345"
    assert event.ip == "10.1.2.3"
    assert event.actor == manager_mo
    assert event.person_id == participant.pk
    assert event.target_type == "participants.person"


def test_application_refuses_changes(db):
    event = _events(1)[0]
    event.action = "divert.test.changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "divert.test.event_0"


def test_database_refuses_updates(db):
    event = _events(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["divert.test.forged", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "divert.test.event_0"


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the DELETE trigger is PostgreSQL's")
def test_postgresql_refuses_deletes(db):
    event = _events(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_verify_names_a_changed_event(db):
    events = _events(5)
    _raw_update("UPDATE audit_auditevent SET details = %s WHERE id = %s", ['{"i": 99}', events[2].pk])
    report = verify_chain()
    assert not report.intact
    assert report.broken_event_id == events[2].pk
    assert "changed" in report.problem
    assert report.checked == 2


def test_verify_names_the_event_after_a_removed_one(db):
    events = _events(4)
    _raw_update("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = verify_chain()
    assert report.broken_event_id == events[2].pk
    assert "link" in report.problem


def test_verify_notices_a_removed_tail(db):
    events = _events(3)
    _raw_update("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    report = verify_chain()
    assert not report.intact
    assert report.broken_event_id == events[2].pk
    assert "end of the trail" in report.problem


def test_verify_audit_command_exit_codes(db, capsys):
    events = _events(3)
    call_command("verify_audit")
    assert "intact: 3 events" in capsys.readouterr().out
    _raw_update("UPDATE audit_auditevent SET actor_username = %s WHERE id = %s", ["mallory", events[0].pk])
    with pytest.raises(CommandError, match=f"broken at event #{events[0].pk}"):
        call_command("verify_audit")


def test_admin_cannot_change_events(db, client, agencies):
    from conftest import make_user

    root = make_user("root_rita", is_staff=True, is_superuser=True)
    event = _events(1)[0]
    client.force_login(root, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert client.get("/admin/audit/auditevent/").status_code == 200
    change = client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"action": "divert.test.forged"})
    assert change.status_code in (302, 403)
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "divert.test.event_0"


def test_admin_changes_enter_the_trail(db, client, personas):
    client.force_login(personas.admin_ada, backend="allauth.account.auth_backends.AuthenticationBackend")
    agency = personas.officer_olivia.seat.agency
    response = client.post(f"/admin/accounts/agency/{agency.pk}/change/",
                           {"name": agency.name, "kind": agency.kind, "phone": "555-0199", "email": "", "active": "on"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="divert.admin.agency.changed")
    assert event.actor == personas.admin_ada
    assert event.details["object"] == agency.name
    assert verify_chain().intact


def test_a_keyed_chain_cannot_be_rebuilt_without_the_key(db, settings):
    settings.DIVERT_AUDIT_KEY = "k" * 40
    events = _events(3)
    assert verify_chain().intact
    # Someone with database access rewrites an event and recomputes an unkeyed chain from it.
    settings.DIVERT_AUDIT_KEY = None
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.details = {"i": 42}
    _raw_update("UPDATE audit_auditevent SET details = %s, hash = %s WHERE id = %s",
                ['{"i": 42}', forged.compute_hash(), events[1].pk])
    settings.DIVERT_AUDIT_KEY = "k" * 40
    report = verify_chain()
    assert report.broken_event_id == events[1].pk
