"""A small hand-built site for the evaluation tests: participants and comparison subjects with justice events."""

from datetime import date, datetime, timedelta

import numpy as np
from django.utils import timezone

from divert.participants.models import Door, Enrollment, EnrollmentStatus, Person
from divert.records.models import ImportProfile
from divert.records.models_events import ComparisonEvent, ComparisonSubject, JusticeEvent

_counter = iter(range(10**9))


def profile() -> ImportProfile:
    from divert.records.profiles import read_profile_file, save_profile, shipped_profile_files

    if not ImportProfile.objects.exists():
        for path in shipped_profile_files():
            save_profile(read_profile_file(path))
    return ImportProfile.objects.first()


def participant(provider, referred_on: date, *, first="Pat", last="Example", dob=date(1985, 6, 1),
                door=Door.ARREST_DIVERSION) -> Person:
    person = Person.objects.create(first_name=first, last_name=last, date_of_birth=dob)
    Enrollment.objects.create(person=person, door=door, provider=provider, status=EnrollmentStatus.ACTIVE,
                              referred_on=referred_on, enrolled_on=referred_on)
    return person


def event(person: Person, kind: str, day: date, *, severity: str = "", released_on: date | None = None,
          prof: ImportProfile | None = None) -> JusticeEvent:
    at = timezone.make_aware(datetime(day.year, day.month, day.day, 12))
    return JusticeEvent.objects.create(person=person, kind=kind, occurred_at=at, occurred_on=day, severity=severity,
                                       released_on=released_on, source_profile=prof or profile(),
                                       source_key=f"k{next(_counter)}")


def subject(birth_year=1985, sex="M", race="W") -> ComparisonSubject:
    return ComparisonSubject.objects.create(pseudonym=f"p{next(_counter)}", birth_year=birth_year, sex=sex, race=race)


def subject_event(subject: ComparisonSubject, kind: str, day: date, *, severity: str = "",
                  released_on: date | None = None) -> ComparisonEvent:
    return ComparisonEvent.objects.create(subject=subject, kind=kind, occurred_on=day, severity=severity,
                                          released_on=released_on, source_hash=f"h{next(_counter)}")


def random_site(provider, *, participants=40, comparison=60, seed=11, start=date(2024, 1, 1), effect=0.5):
    """Participants referred through 2024, comparison subjects booked in the same year; arrests at a steady rate
    before, and after at `effect` times that rate for participants (1.0 for the comparison)."""
    rng = np.random.default_rng(seed)
    prof = profile()
    justice, comp = [], []
    for i in range(participants + comparison):
        treated = i < participants
        index = start + timedelta(days=int(rng.integers(0, 360)))
        rate = rng.gamma(2.0, 1.0)  # arrests a year
        birth = int(rng.integers(1960, 2000))
        if treated:
            person = participant(provider, index, first=f"P{i}", last="Demo", dob=date(birth, 3, 3))
        else:
            person = subject(birth_year=birth, sex="M" if rng.random() < 0.6 else "F",
                             race="B" if rng.random() < 0.4 else "W")
            comp.append(ComparisonEvent(subject=person, kind="booking", occurred_on=index, released_on=index +
                                        timedelta(days=2), source_hash=f"h{next(_counter)}"))
        for side, factor in ((-1, 1.0), (1, effect if treated else 1.0)):
            for _ in range(rng.poisson(rate * factor)):
                day = index + timedelta(days=side * int(rng.integers(1, 365)))
                kinds = [("arrest", ""), ("booking", ""), ("charge", "felony" if rng.random() < 0.3 else
                                                            "misdemeanor")]
                if rng.random() < 0.3:
                    kinds = kinds[:1]  # arrested, not booked: cited and released
                for kind, severity in kinds:
                    released = day + timedelta(days=int(rng.integers(1, 6))) if kind == "booking" else None
                    if treated:
                        at = timezone.make_aware(datetime(day.year, day.month, day.day, 12))
                        justice.append(JusticeEvent(person=person, kind=kind, occurred_at=at, occurred_on=day,
                                                    severity=severity, released_on=released, source_profile=prof,
                                                    source_key=f"k{next(_counter)}"))
                    else:
                        comp.append(ComparisonEvent(subject=person, kind=kind, occurred_on=day, severity=severity,
                                                    released_on=released, source_hash=f"h{next(_counter)}"))
    JusticeEvent.objects.bulk_create(justice)
    ComparisonEvent.objects.bulk_create(comp)
