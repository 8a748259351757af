"""The First Golden Rule check for Operational Work Group minutes (lead-programs.md §9.1).

Nothing a participant shares for coordination may be used against them, and partners at the table include
police and prosecutors. So minutes carry no substance-use or health detail, no particular law violation and
nothing that could send enforcement to a person (where they are staying, a warrant). The check flags lines that
look like such detail and says why; the minutes cannot be approved until every flagged line is rewritten.

It is a net, not a judge: it looks for words and phrases, so it errs toward flagging ("dealing with" and "used
to" are let through; "used" alone is not). A case manager's words, "there is nothing useful to share on that
point", are always fine.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SUBSTANCE = "substance_use"
HEALTH = "health"
LAW = "law_violation"
ENFORCEMENT = "enforcement"
NAME = "names_participant"

WHY = {
    SUBSTANCE: _("Substance-use detail (use, relapse, a test result, a drug): it could be used against the person, "
                 "and treatment information is protected by 42 CFR Part 2. Say what would help instead, or that "
                 "there is nothing useful to share."),
    HEALTH: _("Health detail belongs in the case file, behind its own protections, not in minutes partners "
              "read."),
    LAW: _("A particular law violation or problem conduct: under the First Golden Rule nothing learned through "
           "LEAD coordination may be used for enforcement. Describe barriers and next steps, not conduct."),
    ENFORCEMENT: _("Detail that could send enforcement to the person (where they stay or can be found, a "
                   "warrant). Say only that the case manager is in touch, or is looking for them."),
    NAME: _("Names a participant outside their own agenda item. Write about a person under their item, which "
            "only seats that may know them see."),
}

_NOT_HABIT = r"(?!\s+(?:to|the|a|an|his|her|their|my|our|its|this|that|for|as|by)\b)"

PATTERNS: dict[str, list[str]] = {
    SUBSTANCE: [
        r"relaps\w*", r"\bused" + _NOT_HABIT, r"using again", r"\busing\s+(?:drugs|meth|heroin|fentanyl|crack)",
        r"\b(?:got|was|were|is|being|getting)\s+high\b", r"\bhigh on\b", r"positive\s+(?:drug\s+)?(?:test|ua|screen)",
        r"tested\s+positive", r"dirty\s+(?:ua|urine|test)", r"\bua\b", r"\bmeth\b", r"methamphetamine", r"heroin",
        r"fentanyl", r"\bfent\b", r"\bcrack\b", r"cocaine", r"\bcoke\b", r"opioids?", r"\bopiates?\b", r"\bpills\b",
        r"\bdrunk\b", r"intoxicated", r"overdos\w*", r"\bod'?d\b", r"shooting up", r"\binject\w*", r"\bneedles?\b",
        r"\bsmok\w*\s+(?:meth|crack|fent\w*|dope)", r"\bdope\b", r"\bmethadone\b", r"buprenorphine", r"suboxone",
        r"\bdetox\w*", r"\bsober\w*", r"\bclean\s+(?:for|since)\b", r"\bdrinking\b", r"\bdrugs?\b",
    ],
    HEALTH: [
        r"diagnos\w*", r"psychiatr\w*", r"hospitali[sz]\w*", r"schizo\w*", r"bipolar", r"\bhiv\b", r"hep(?:atitis)? c",
        r"pregnan\w*", r"suicid\w*", r"psychos\w*", r"\bmedication\b", r"\bpsych ward\b",
    ],
    LAW: [
        r"\bdealing\b(?!\s+with\b)", r"\bdeals?\b(?=\s+(?:drugs|meth|dope|out of|on))", r"\bsell(?:s|ing)?\b",
        r"\bsold\b", r"\bstol(?:e|en)\b", r"\bsteal\w*", r"\btheft\b", r"shoplift\w*", r"\bboost(?:ing|ed)\b",
        r"burglar\w*", r"\brobb\w*", r"\bassault\w*", r"trespass\w*", r"\bpossession\b", r"\bpossessing\b",
        r"\b(?:gun|firearm|weapon|knife)s?\b", r"prostitut\w*", r"\bsex work\w*", r"\bcommitted\b", r"\bcrimes?\b",
        r"violat\w*", r"broke the law", r"\bfenc(?:e|ing)\b", r"\bbreaking in(?:to)?\b", r"\bvandal\w*",
    ],
    ENFORCEMENT: [
        r"\bwarrants?\b", r"\bstaying\s+(?:at|with|in|behind|under|near)\b",
        r"\bsleep(?:s|ing)?\s+(?:at|in|behind|under|near)\b", r"\bliv(?:es|ing)\s+(?:at|in|with|behind|under)\b",
        r"\bcamp(?:s|ed|ing)?\s+(?:at|in|behind|under|near|by)\b", r"\b(?:can be|is usually|was)\s+found\s+(?:at|in)\b",
        r"\bhangs?\s+out\s+(?:at|by|near|in)\b", r"\baddress\s*(?:is|was|:)", r"\bwhereabouts\b", r"\bhiding\b",
    ],
}

_COMPILED = {kind: re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
             for kind, patterns in PATTERNS.items()}


@dataclass(frozen=True)
class Finding:
    where: str  # e.g. "Overall minutes", "Item 3"
    line_number: int
    line: str
    kind: str
    words: str

    @property
    def why(self) -> str:
        return str(WHY[self.kind])


def check_line(line: str) -> list[tuple[str, str]]:
    """(kind, the words that matched) for each kind of detail the line seems to carry."""
    found = []
    for kind, pattern in _COMPILED.items():
        match = pattern.search(line)
        if match:
            found.append((kind, match.group(0)))
    return found


def names_in(text: str, names: Iterable[str]) -> str | None:
    """The first of `names` (a participant's names) the text contains as whole words, if any."""
    for name in names:
        name = name.strip()
        if len(name) >= 3 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
            return name
    return None


def check_text(text: str, where: str = "", *, forbidden_names: Iterable[str] = ()) -> list[Finding]:
    """Every line of `text` that carries detail the First Golden Rule keeps out of minutes. Lines naming one of
    `forbidden_names` are flagged too (a participant named outside their own item)."""
    names = [n for n in forbidden_names if n]
    findings = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        for kind, words in check_line(line):
            findings.append(Finding(where, number, line.strip(), kind, words))
        if names:
            name = names_in(line, names)
            if name:
                findings.append(Finding(where, number, line.strip(), NAME, name))
    return findings


def is_clean(text: str) -> bool:
    return not check_text(text)
