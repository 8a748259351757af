"""Cleaning of the fields that linkage compares: names, nicknames, sounds, partial dates of birth, codes.

Feeds spell the same person many ways ("O'Neil, Bill Jr." and "ONEIL WILLIAM"). Everything here is a pure
function on one value; the engine maps them over a column's distinct values, which are few compared with
its rows, so a million booking rows cost only as many calls as there are distinct names.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable

import jellyfish

SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v", "2nd", "3rd"})

# Canonical given name -> common nicknames and short forms. Ambiguous short forms ("al", "sam") go to the
# most common full name; the comparison gives a nickname match less weight than an exact one, so a wrong
# guess costs little. Extend this table rather than the code.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "abigail": ("abby", "abbie", "gail"),
    "albert": ("al", "bert", "bertie"),
    "alexander": ("alex", "alec", "xander", "sandy"),
    "alexandra": ("alexa", "lexi", "sasha"),
    "alfred": ("alf", "alfie", "fred"),
    "andrew": ("andy", "drew"),
    "angela": ("angie",),
    "anthony": ("tony", "ant"),
    "barbara": ("barb", "babs", "barbie"),
    "benjamin": ("ben", "benny", "benji"),
    "bernard": ("bernie",),
    "bradley": ("brad",),
    "catherine": ("cathy", "kate", "katie", "cat", "kathy", "katherine", "kathryn", "kat"),
    "charles": ("charlie", "chuck", "chas", "chaz"),
    "christina": ("chris", "tina", "christine", "chrissy"),
    "christopher": ("chris", "kit", "topher"),
    "cynthia": ("cindy",),
    "daniel": ("dan", "danny"),
    "david": ("dave", "davey", "davy"),
    "deborah": ("deb", "debbie", "debra"),
    "donald": ("don", "donnie", "donny"),
    "dorothy": ("dot", "dottie", "dolly"),
    "douglas": ("doug",),
    "edward": ("ed", "eddie", "eddy", "ned", "ted", "teddy"),
    "elizabeth": ("liz", "lizzie", "beth", "betty", "betsy", "eliza", "libby", "lisa", "elisabeth", "bess"),
    "eugene": ("gene",),
    "frances": ("fran", "frannie"),
    "francis": ("frank", "frankie"),
    "frederick": ("freddie", "freddy", "fritz"),
    "gabriel": ("gabe",),
    "gerald": ("gerry", "jerry"),
    "gregory": ("greg",),
    "harold": ("hal", "harry"),
    "henry": ("hank",),
    "isaac": ("ike",),
    "jacob": ("jake",),
    "james": ("jim", "jimmy", "jamie", "jimmie"),
    "jeffrey": ("jeff", "geoffrey", "geoff"),
    "jennifer": ("jen", "jenny", "jenn"),
    "jessica": ("jess", "jessie"),
    "john": ("jack", "johnny", "jon", "johnnie"),
    "jonathan": ("jonny", "nathan"),
    "joseph": ("joe", "joey", "jo"),
    "joshua": ("josh",),
    "judith": ("judy",),
    "kenneth": ("ken", "kenny"),
    "lawrence": ("larry", "laurence"),
    "leonard": ("leo", "len", "lenny"),
    "louis": ("lou", "louie"),
    "margaret": ("maggie", "meg", "peggy", "marge", "margie", "greta", "madge"),
    "matthew": ("matt", "matty"),
    "michael": ("mike", "mikey", "mick", "mickey"),
    "nathaniel": ("nate", "nat"),
    "nicholas": ("nick", "nicky", "nico"),
    "pamela": ("pam",),
    "patricia": ("pat", "patty", "patsy", "trish", "tricia"),
    "patrick": ("paddy", "rick"),
    "peter": ("pete",),
    "philip": ("phil", "phillip"),
    "raymond": ("ray",),
    "rebecca": ("becky", "becca", "beck"),
    "richard": ("rich", "richie", "dick", "rick", "ricky"),
    "robert": ("bob", "bobby", "rob", "robbie", "bert", "robby"),
    "ronald": ("ron", "ronnie", "ronny"),
    "samuel": ("sam", "sammy"),
    "samantha": ("sammie",),
    "stephen": ("steve", "stevie", "steven"),
    "susan": ("sue", "susie", "suzy", "suzanne"),
    "terence": ("terry",),
    "theodore": ("theo",),
    "thomas": ("tom", "tommy"),
    "timothy": ("tim", "timmy"),
    "victoria": ("vicky", "vicki", "tori"),
    "vincent": ("vince", "vinny"),
    "walter": ("walt", "wally"),
    "william": ("bill", "billy", "will", "willie", "willy", "liam"),
    "zachary": ("zach", "zack"),
}
_NICKNAME_TO_CANONICAL = {nick: canon for canon, nicks in NICKNAMES.items() for nick in nicks}

# Race codes differ by source; these are the common US jail codes and words, mapped to one letter.
RACE_CODES = {
    "w": "W", "white": "W", "caucasian": "W",
    "b": "B", "black": "B", "african american": "B", "black or african american": "B",
    "a": "A", "asian": "A",
    "i": "I", "n": "I", "american indian": "I", "native american": "I", "american indian or alaska native": "I",
    "p": "P", "pacific islander": "P", "native hawaiian or other pacific islander": "P",
    "h": "H", "hispanic": "H", "latino": "H",
    "o": "O", "other": "O",
}  # fmt: skip
SEX_CODES = {"m": "M", "male": "M", "man": "M", "f": "F", "female": "F", "woman": "F", "x": "X"}

_NOT_LETTERS = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")
_MISSING_TEXT = frozenset({"", "nan", "none", "null", "unknown", "unk", "nfn", "nln", "fnu", "lnu"})


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return value != value  # NaN and pandas.NA
    except TypeError:
        return True


def clean_name(value: object) -> str | None:
    """Lower case ASCII letters and single spaces; apostrophes and hyphens join ("o'neil" -> "oneil")."""
    if _is_missing(value):
        return None
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode().lower()
    text = text.replace("'", "").replace("-", " ").replace(".", " ").replace(",", " ")
    text = _SPACES.sub(" ", _NOT_LETTERS.sub("", text)).strip()
    words = [w for w in text.split(" ") if w and w not in SUFFIXES]
    name = " ".join(words)
    return None if name in _MISSING_TEXT else name


def canonical_first_name(first_name: str | None) -> str | None:
    """The full given name a nickname stands for ("bill" -> "william"); other names unchanged."""
    if not first_name:
        return None
    first_word = first_name.split(" ")[0]
    return _NICKNAME_TO_CANONICAL.get(first_word, first_word)


def phonetic(name: str | None) -> str | None:
    """Metaphone key of a cleaned name, spaces removed, so "smyth" and "smith" agree."""
    if not name:
        return None
    key = jellyfish.metaphone(name.replace(" ", ""))
    return key or None


def split_alias(value: object) -> tuple[str | None, str | None]:
    """An alias as (first, last): "LAST, FIRST", "First Last", a mapping or a pair."""
    if _is_missing(value):
        return None, None
    if isinstance(value, dict):
        return clean_name(value.get("first_name")), clean_name(value.get("last_name"))
    if isinstance(value, list | tuple):
        first, last = (list(value) + [None, None])[:2]
        return clean_name(first), clean_name(last)
    text = str(value)
    if "," in text:
        last, _, first = text.partition(",")
        return clean_name(first), clean_name(last)
    words = (clean_name(text) or "").split(" ")
    if len(words) < 2:
        return None, words[0] or None
    return words[0], " ".join(words[1:])


def aliases_of(value: object) -> list[tuple[str | None, str | None]]:
    """All aliases in a cell: a list, or a string separated by ";" or "|"."""
    if isinstance(value, str):
        items: Iterable[object] = re.split(r"[;|]", value)
    elif isinstance(value, dict):
        items = [value]
    elif isinstance(value, list | tuple) or hasattr(value, "tolist"):
        items = list(value)
    else:
        return []
    out = []
    for item in items:
        first, last = split_alias(item)
        if first or last:
            out.append((first, last))
    return out


def split_date_of_birth(value: object) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) from a date or a string; unknown parts ("1980-00-12", "1980-??", "1980") are None.

    Accepts ISO dates, YYYYMMDD, and US MM/DD/YYYY. A value that is no date at all is (None, None, None).
    """
    if _is_missing(value):
        return None, None, None
    if isinstance(value, dt.datetime | dt.date):
        return value.year, value.month, value.day
    text = str(value).strip()
    if re.fullmatch(r"\d{8}", text):
        parts = [text[:4], text[4:6], text[6:]]
    elif re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
        month, day, year = text.split("/")
        parts = [year, month, day]
    else:
        parts = re.split(r"[-/ .T]", text)[:3]
    parts = (parts + ["", "", ""])[:3]

    def number(part: str, low: int, high: int) -> int | None:
        return int(part) if part.isdigit() and low <= int(part) <= high else None

    year, month, day = number(parts[0], 1850, 2100), number(parts[1], 1, 12), number(parts[2], 1, 31)
    if year is None:
        return None, None, None
    return year, month, day


def clean_identifier(value: object) -> str | None:
    """Upper-case letters and digits only, so "12-345 67" and "1234567" are one state ID."""
    if _is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a numeric id read as a float: 1234567.0
    text = _NOT_ALNUM.sub("", str(value).upper())
    return text or None


def clean_sex(value: object) -> str | None:
    if _is_missing(value):
        return None
    return SEX_CODES.get(str(value).strip().lower())


def clean_race(value: object) -> str | None:
    if _is_missing(value):
        return None
    return RACE_CODES.get(str(value).strip().lower())
