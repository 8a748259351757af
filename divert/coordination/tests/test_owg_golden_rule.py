"""The First Golden Rule check: lines that could be used against a participant are flagged, with the reason."""

import pytest

from divert.coordination import golden_rule
from divert.coordination.golden_rule import ENFORCEMENT, HEALTH, LAW, NAME, SUBSTANCE, check_line, check_text


@pytest.mark.parametrize(("line", "kind"), [
    ("She relapsed last week", SUBSTANCE),
    ("He used on Tuesday", SUBSTANCE),
    ("Positive test on Monday", SUBSTANCE),
    ("Tested positive for fentanyl", SUBSTANCE),
    ("Was high at the office", SUBSTANCE),
    ("Dirty UA", SUBSTANCE),
    ("Back on meth", SUBSTANCE),
    ("Overdosed twice this month", SUBSTANCE),
    ("Started methadone", SUBSTANCE),
    ("Was dealing on 3rd Street", LAW),
    ("Selling out of the motel", LAW),
    ("Had a stolen bike", LAW),
    ("Shoplifting at the market again", LAW),
    ("Carrying a knife", LAW),
    ("Staying at his cousin's on Elm", ENFORCEMENT),
    ("Sleeping behind the library", ENFORCEMENT),
    ("Has a warrant out", ENFORCEMENT),
    ("Can be found at the day center most mornings", ENFORCEMENT),
    ("Hospitalized for psychosis", HEALTH),
    ("New diagnosis", HEALTH),
])
def test_it_flags_detail_that_could_be_used_against_someone(line, kind):
    assert kind in {k for k, _words in check_line(line)}


@pytest.mark.parametrize("line", [
    "Engaged and keeping appointments; working on an ID.",
    "Dealing with the housing authority about the voucher.",
    "Used to work as a cook; wants help finding kitchen work.",
    "Used the bus pass to get to the benefits office.",
    "Transportation is the main barrier.",
    "There is nothing useful to share on that point.",
    "The team will address the backlog of intakes.",
    "Next steps: case manager follows up with the shelter desk.",
    "High school diploma in progress.",
    "",
])
def test_it_lets_ordinary_coordination_through(line):
    assert check_line(line) == []
    assert golden_rule.is_clean(line)


def test_findings_name_the_line_the_words_and_why():
    text = "Good progress on benefits.\n\nHe relapsed and was selling again."
    findings = check_text(text, "Item 2")
    assert {(f.where, f.line_number, f.kind) for f in findings} == {("Item 2", 3, SUBSTANCE), ("Item 2", 3, LAW)}
    substance = next(f for f in findings if f.kind == SUBSTANCE)
    assert substance.words.lower() == "relapsed" and substance.line == "He relapsed and was selling again."
    assert "42 CFR Part 2" in substance.why
    assert "First Golden Rule" in next(f for f in findings if f.kind == LAW).why


def test_names_outside_their_item_are_flagged_as_whole_words():
    findings = check_text("Quillfeather is doing well.\nThe quill broke.", "Overall",
                          forbidden_names=["Quillfeather", "Jo"])
    assert [(f.line_number, f.kind) for f in findings] == [(1, NAME)]
    assert golden_rule.names_in("met Jo today", ["Jo"]) is None  # names under three letters are too common to flag
