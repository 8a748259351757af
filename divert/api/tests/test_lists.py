"""Lists: pages in a stable order with a cursor, and updated_since for incremental sync."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from divert.participants.models import Door, Enrollment, EnrollmentStatus, Person


def test_pages_follow_the_cursor_and_updated_since_keeps_only_changes(api, personas, agencies):
    start = timezone.now()
    for n in range(3):
        person = Person.objects.create(first_name=f"P{n}", last_name="Pager")
        Enrollment.objects.create(person=person, door=Door.SOCIAL_CONTACT, provider=agencies.provider,
                                  status=EnrollmentStatus.ACTIVE, referred_on="2026-01-05")
    mo = api(personas.manager_mo)
    first = mo.get("/persons", limit=2).json()
    assert len(first["items"]) == 2 and first["next_cursor"] == first["items"][-1]["id"]
    rest = mo.get("/persons", limit=2, cursor=first["next_cursor"]).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    ids = [p["id"] for p in first["items"] + rest["items"]]
    assert ids == sorted(ids) and len(set(ids)) == 3
    later = start + timedelta(hours=1)
    with time_machine.travel(later):
        changed = Person.objects.get(pk=ids[1])
        changed.description = "Seen at the library"
        changed.save()
    since = mo.get("/persons", updated_since=(later - timedelta(minutes=1)).isoformat()).json()
    assert [p["id"] for p in since["items"]] == [ids[1]]
    assert mo.get("/persons", updated_since=(later + timedelta(days=1)).isoformat()).json()["items"] == []
