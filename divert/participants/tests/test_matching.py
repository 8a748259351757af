from datetime import date

import pytest

from divert.participants.matching import bench, possible_matches, score
from divert.participants.models import Alias, Person

TODAY = date(2026, 6, 1)
DOB = date(1985, 3, 14)

# (described: first, last, dob, aliases), (on file: first, last, dob, aliases), lowest, highest, reason expected
PAIRS = [
    (("John", "Smith", DOB, []), ("John", "Smith", DOB, []), 1.0, 1.0, "same date of birth"),
    (("Jon", "Smith", DOB, []), ("John", "Smith", DOB, []), 0.9, 1.0, "first name"),
    (("John", "Smtih", DOB, []), ("John", "Smith", DOB, []), 0.9, 1.0, "last name"),
    (("Katherine", "Johnson", DOB, []), ("Catherine", "Jonson", DOB, []), 0.9, 1.0, "sounds alike"),
    (("Bill", "Turner", DOB, []), ("William", "Turner", DOB, []), 0.9, 1.0, "nickname"),
    (("Smith", "John", DOB, []), ("John", "Smith", DOB, []), 0.9, 1.0, "swapped"),
    (("Maria", "Lopez", date(1990, 7, 4), []), ("Maria", "Lopez", date(1990, 4, 7), []), 0.85, 0.97,
     "day and month swapped"),
    (("Maria", "Lopez", date(1990, 7, 4), []), ("Maria", "Lopez", date(1990, 7, 9), []), 0.85, 0.97,
     "one digit apart"),
    (("Maria", "Lopez", date(1990, 7, 4), []), ("Maria", "Lopez", date(1991, 7, 4), []), 0.85, 0.97,
     "one digit apart"),
    (("Maria", "Lopez", date(1990, 7, 4), []), ("Maria", "Lopez", date(1989, 7, 4), []), 0.85, 0.97,
     "year of birth off by one"),
    (("Maria", "Lopez", None, []), ("Maria", "Lopez", date(1990, 7, 4), []), 0.75, 0.85, "no date of birth"),
    (("Red", "", DOB, ["Marcus Bell"]), ("Marcus", "Bell", DOB, []), 0.9, 1.0, "other name"),
    (("Marcus", "Green", DOB, []), ("Marcus", "Bell", DOB, ["Marcus Green"]), 0.9, 1.0, "alias"),
    (("Marcus", "Bell", None, []), ("Marcus", "Bell", None, []), 0.75, 0.85, "no date of birth"),
    (("John", "Smith", DOB, []), ("Jane", "Smith", DOB, []), 0.75, 0.88, "last name: same"),  # a sibling? ask
    (("John", "Smith", DOB, []), ("Wanda", "Okonkwo", DOB, []), 0.0, 0.6, "same date of birth"),
    (("John", "Smith", DOB, []), ("John", "Smith", date(1961, 11, 2), []), 0.0, 0.6, "different date of birth"),
    (("John", "Smith", DOB, []), ("Priya", "Raman", date(1999, 1, 30), []), 0.0, 0.35, ""),
]


@pytest.mark.parametrize(("described", "on_file", "low", "high", "reason"), PAIRS)
def test_scoring_table(described, on_file, low, high, reason):
    q_first, q_last, q_dob, q_aliases = described
    c_first, c_last, c_dob, c_aliases = on_file
    value, reasons = score(q_first, q_last, q_aliases, q_dob, None, c_first, c_last, c_aliases, c_dob, None, TODAY)
    assert low <= value <= high, (value, reasons)
    assert not reason or any(reason in r for r in reasons), reasons


def test_approximate_age_within_three_years():
    near, reasons = score("Ana", "Silva", [], None, 40, "Ana", "Silva", [], date(1984, 1, 1), None, TODAY)
    far, _ = score("Ana", "Silva", [], None, 30, "Ana", "Silva", [], date(1984, 1, 1), None, TODAY)
    assert near > 0.8 > far and any("age within" in r for r in reasons)


@pytest.fixture
def on_file(db):
    people = {
        "john": Person.objects.create(first_name="John", last_name="Smith", date_of_birth=DOB),
        "william": Person.objects.create(first_name="William", last_name="Turner", date_of_birth=date(1970, 1, 2)),
        "swapped": Person.objects.create(first_name="Lee", last_name="Chen", date_of_birth=date(1977, 8, 9)),
        "aka": Person.objects.create(first_name="Dee", last_name="Walker", approximate_age=45),
        "other": Person.objects.create(first_name="Zed", last_name="Quist", date_of_birth=date(2000, 2, 2)),
    }
    Alias.objects.create(person=people["aka"], name="Dolores Baptiste", kind=Alias.Kind.PREVIOUS)
    return people


def test_possible_matches_finds_through_each_block(on_file):
    def best(*args, **kwargs):
        return possible_matches(*args, **kwargs)[0].person

    assert best("Jon", "Smyth", date_of_birth=DOB) == on_file["john"]
    assert best("Bill", "Turner") == on_file["william"]
    assert best("Chen", "Lee", date_of_birth=date(1977, 8, 9)) == on_file["swapped"]
    assert best("Dolores", "Baptiste", approximate_age=44) == on_file["aka"]
    assert best("Dee", "Walker", aliases=["Dolores Baptiste"]) == on_file["aka"]
    assert best("Jhon", "Xmith", date_of_birth=date(1985, 3, 14)) == on_file["john"]  # only the DOB blocks
    matches = possible_matches("John", "Smith", date_of_birth=DOB)
    assert matches[0].score == 1.0 and "same date of birth" in matches[0].reasons
    assert on_file["other"] not in [m.person for m in matches]


def test_tombstones_and_the_queryset_are_respected(on_file):
    tombstone = Person.objects.create(first_name="John", last_name="Smith", date_of_birth=DOB,
                                      merged_into=on_file["john"])
    assert tombstone not in [m.person for m in possible_matches("John", "Smith", date_of_birth=DOB)]
    limited = Person.objects.exclude(pk=on_file["john"].pk)
    assert on_file["john"] not in [m.person for m in possible_matches("John", "Smith", queryset=limited)]
    assert possible_matches("", "", date_of_birth=None) == []


def test_bench_prints_a_rough_speed(db, capsys):
    Person.objects.bulk_create([
        Person(first_name=f"First{i % 97}", last_name=f"{chr(65 + i % 26)}{chr(97 + i % 23)}ast{i}",
               date_of_birth=date(1950 + i % 50, 1 + i % 12, 1 + i % 28)) for i in range(3000)
    ])
    result = bench(queries=20)
    assert result["queries"] == 20 and result["found"] >= 15
    assert "possible_matches over 3,000 persons" in capsys.readouterr().out
