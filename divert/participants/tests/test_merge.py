from datetime import date

import pytest

from divert.audit.log import log_event, verify_chain
from divert.audit.models import AuditEvent
from divert.participants.actions import MergeError, do_merge_persons
from divert.participants.models import Alias, Door, Enrollment, EnrollmentStatus, Identifier, Person


@pytest.fixture
def duplicate(participant, agencies, case_manager_casey):
    """The same Alex, recorded twice: another spelling, another identifier, an enrollment at the other provider."""
    person = Person.objects.create(first_name="Alec", last_name="Zyxcanary", date_of_birth=date(1980, 5, 6))
    Alias.objects.create(person=person, name="Red")
    Alias.objects.create(person=person, name="alex  zyxcanary")  # a repeat of the survivor's own name
    Identifier.objects.create(person=person, kind=Identifier.Kind.JAIL_ID, value="J0000042")
    Enrollment.objects.create(person=person, door=Door.ARREST_DIVERSION, provider=agencies.provider,
                              case_manager=case_manager_casey, status=EnrollmentStatus.EXITED,
                              referred_on=date(2024, 3, 1), exited_on=date(2024, 9, 1))
    log_event("divert.person.viewed", person=person, target=person)
    return person


def test_merge_moves_everything_and_leaves_a_tombstone(participant, duplicate, supervisor_sue):
    Alias.objects.create(person=participant, name="Red")
    earlier = list(AuditEvent.objects.filter(person=duplicate).values_list("pk", "hash"))
    details = do_merge_persons(participant, duplicate, actor=supervisor_sue, reason="Same state ID photo and tattoo")
    duplicate.refresh_from_db()
    participant.refresh_from_db()
    assert duplicate.merged_into == participant and duplicate.is_tombstone and duplicate.survivor() == participant
    assert participant.enrollments.count() == 2 and not duplicate.enrollments.exists()
    assert set(participant.identifiers.values_list("value", flat=True)) == {"SID00000001", "J0000042"}
    names = sorted(participant.aliases.values_list("name", flat=True))
    assert names == ["Alec Zyxcanary", "Red"]  # repeats dropped, the duplicate's own name added
    assert participant.date_of_birth == date(1980, 5, 6)  # the survivor had none
    assert not duplicate.aliases.exists() and not duplicate.identifiers.exists()
    assert details["moved"]["participants.enrollment.person"] == 1
    # What the trail already said about the duplicate stays as it was.
    assert list(AuditEvent.objects.filter(person=duplicate).exclude(action="divert.person.merged")
                .values_list("pk", "hash")) == earlier
    merged = AuditEvent.objects.filter(action="divert.person.merged")
    assert {e.person_id for e in merged} == {participant.pk, duplicate.pk}
    assert all(e.actor == supervisor_sue and e.details["reason"].startswith("Same state ID") for e in merged)
    assert verify_chain().intact


def test_a_different_date_of_birth_is_kept_as_an_alias(participant, duplicate, supervisor_sue):
    participant.date_of_birth = date(1980, 6, 5)
    participant.save()
    do_merge_persons(participant, duplicate, actor=supervisor_sue, reason="Same person")
    participant.refresh_from_db()
    assert participant.date_of_birth == date(1980, 6, 5)
    assert participant.aliases.filter(name__contains="born 1980-05-06").exists()


def test_earlier_tombstones_follow_to_the_survivor(participant, duplicate, supervisor_sue):
    older = Person.objects.create(first_name="A", last_name="Zyxcanary")
    do_merge_persons(duplicate, older, actor=supervisor_sue, reason="Same person")
    do_merge_persons(participant, duplicate, actor=supervisor_sue, reason="Same person")
    older.refresh_from_db()
    assert older.merged_into == participant


@pytest.mark.parametrize("case", ["self", "into_tombstone", "already_merged", "no_reason"])
def test_refused_merges_change_nothing(case, participant, duplicate, supervisor_sue):
    other = Person.objects.create(first_name="Other", last_name="Person")
    if case in ("into_tombstone", "already_merged"):
        do_merge_persons(other, duplicate, actor=supervisor_sue, reason="Same person")
    events = AuditEvent.objects.count()
    survivor, dup, reason = {
        "self": (participant, participant, "x"), "into_tombstone": (duplicate, participant, "x"),
        "already_merged": (participant, duplicate, "x"), "no_reason": (participant, duplicate, "  "),
    }[case]
    with pytest.raises(MergeError):
        do_merge_persons(survivor, dup, actor=supervisor_sue, reason=reason)
    assert AuditEvent.objects.count() == events
    participant.refresh_from_db()
    assert participant.merged_into is None and participant.enrollments.count() == 1
