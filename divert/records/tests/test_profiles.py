"""Profiles: the shipped ones load and hold together; a broken one is refused with every problem named."""

import copy
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from divert.audit.models import AuditEvent
from divert.records.models import ImportProfile
from divert.records.profiles import ProfileError, parse_spec, read_profile_file, shipped_profile_files


def shipped(slug: str) -> dict:
    return next(read_profile_file(p) for p in shipped_profile_files() if slug in p.name)


def test_the_shipped_profiles_load_once(db, capsys):
    call_command("import_profiles")
    assert set(ImportProfile.objects.values_list("slug", flat=True)) == {"county-jail-csv", "court-cms-jsonl"}
    call_command("import_profiles")
    assert "county-jail-csv: unchanged" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="divert.records.profile.saved").count() == 2


def test_a_changed_profile_file_updates_the_profile(db, tmp_path, capsys):
    call_command("import_profiles")
    data = shipped("county-jail-csv")
    data["spec"]["bad_rows"] = "quarantine"
    path = tmp_path / "jail.json"
    path.write_text(json.dumps(data))
    call_command("import_profiles", file=[path])
    assert "updated" in capsys.readouterr().out
    assert ImportProfile.objects.get(slug="county-jail-csv").spec["bad_rows"] == "quarantine"


@pytest.mark.parametrize(("change", "message"), [
    ({"format": "xlsx"}, 'format must be "csv" or "jsonl"'),
    ({"encoding": "klingon"}, "not an encoding Python knows"),
    ({"time_zone": "Mars/Olympus"}, "IANA time zone"),
    ({"kinds": ["booking", "parole"]}, "kinds must be a non-empty list"),
    ({"date_formats": ["MM/DD/YYYY"]}, "has no % directive"),
    ({"key": []}, "key must list the source columns"),
    ({"bad_rows": "ignore"}, 'bad_rows must be "reject" or "quarantine"'),
    ({"row_checks": "relaxed"}, 'row_checks must be "strict"'),
    ({"row_checks": True}, 'row_checks must be "strict"'),
    ({"max_rows": 0}, "max_rows must be a whole number"),
    ({"colour": "blue"}, "unknown setting(s): colour"),
    ({"kind_codes": {"BOOK": "booking", "REL": "parole"}}, "'REL' maps to 'parole'"),
    ({"release_reasons": {"codes": {"BAIL": "freedom"}}}, "'BAIL' maps to 'freedom'"),
    ({"required": ["shoe_size"]}, "required must list Divert fields"),
])
def test_a_bad_spec_names_its_problem(change, message):
    spec = {**copy.deepcopy(shipped("county-jail-csv")["spec"]), **change}
    with pytest.raises(ProfileError) as caught:
        parse_spec(spec)
    assert any(message in p for p in caught.value.problems), caught.value.problems


def test_every_problem_is_named_at_once():
    spec = copy.deepcopy(shipped("court-cms-jsonl")["spec"])
    spec["columns"]["shoe_size"] = "shoe"
    del spec["columns"]["occurred_date"]
    spec["charge_codes"]["codes"]["RCW 1"] = {"category": "Bad Category!", "severity": "capital"}
    with pytest.raises(ProfileError) as caught:
        parse_spec(spec)
    text = " | ".join(caught.value.problems)
    for expected in ("'shoe_size' is not a Divert field", "must map occurred_at", "severity 'capital'",
                     "category 'Bad Category!'"):
        assert expected in text


def test_a_kind_needs_its_field():
    spec = copy.deepcopy(shipped("court-cms-jsonl")["spec"])
    del spec["columns"]["disposition"]
    with pytest.raises(ProfileError, match="disposition rows need the disposition field"):
        parse_spec(spec)


def test_a_broken_profile_file_is_refused_by_the_command(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"slug": "Bad Slug", "name": "", "spec": {"format": "csv"}}))
    with pytest.raises(CommandError) as caught:
        call_command("import_profiles", file=[path])
    assert "slug must be lower-case" in str(caught.value) and "name is missing" in str(caught.value)
    assert "spec: kinds must be" in str(caught.value)
    assert not ImportProfile.objects.exists()


def test_the_admin_form_checks_the_spec(db):
    profile = ImportProfile(slug="x", name="X", spec={"format": "csv"})
    with pytest.raises(ValidationError) as caught:
        profile.full_clean()
    assert "spec" in caught.value.message_dict


@pytest.mark.parametrize(("value", "expected"), [(None, "strict"), ("strict", "strict"), ("lenient", "lenient")])
def test_row_checks_default_to_strict(value, expected):
    spec = copy.deepcopy(shipped("county-jail-csv")["spec"])
    if value is not None:
        spec["row_checks"] = value
    assert parse_spec(spec).row_checks == expected
