"""Is this someone we already know? Fuzzy matching of a described person against the persons on file.

Two steps, so it stays fast at hundreds of thousands of persons: the database picks candidates by cheap
indexed rules (blocking), then Python scores each candidate on names and date of birth.
"""

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import jellyfish
from django.db.models import Q, QuerySet
from django.utils import timezone

from divert.participants.models import Alias, Person

# Commonest English given names and their usual short forms. A name may belong to more than one group
# (Chris, Pat, Sam, Alex), so the table maps each spelling to its groups.
NICKNAME_GROUPS = [
    "william bill billy will willie willy liam", "robert bob bobby rob robbie bert", "richard rick ricky rich dick",
    "james jim jimmy jamie", "john jack johnny jon", "jonathan jon jonny nathan", "joseph joe joey jose",
    "thomas tom tommy", "charles charlie chuck chas", "michael mike mikey mick mickey", "christopher chris topher",
    "daniel dan danny", "david dave davey", "edward ed eddie ted ned", "anthony tony", "matthew matt matty",
    "andrew andy drew", "steven stephen steve stevie", "nicholas nick nicky", "benjamin ben benny",
    "samuel sam sammy", "alexander alex al xander", "timothy tim timmy", "patrick pat paddy", "gregory greg",
    "jeffrey jeff geoffrey", "kenneth ken kenny", "ronald ron ronnie", "donald don donnie", "lawrence larry",
    "raymond ray", "gerald gerry jerry", "douglas doug", "frederick fred freddie freddy", "henry hank harry",
    "peter pete", "phillip philip phil", "eugene gene", "leonard leo len lenny", "albert al bert",
    "margaret maggie meg peggy margie", "elizabeth liz lizzie beth betty eliza betsy", "katherine catherine kate "
    "kathy katie cathy kat", "jennifer jen jenny", "patricia pat patty trish tricia", "susan sue susie suzy",
    "deborah debra deb debbie", "barbara barb barbie", "rebecca becky becca", "victoria vicky vickie tori",
    "jessica jess jessie", "christina christine chris tina chrissy", "samantha sam sammy", "alexandra alex lexi",
    "kimberly kim", "pamela pam", "cynthia cindy", "dorothy dot dottie", "abigail abby", "theresa teresa terry tess",
    "jacqueline jackie", "melissa missy mel", "stephanie steph", "angela angie", "nancy nan", "judith judy",
]
NICKNAMES: dict[str, set[int]] = {}
for _group, _names in enumerate(NICKNAME_GROUPS):
    for _name in _names.split():
        NICKNAMES.setdefault(_name, set()).add(_group)

# Blocking may bring back this many candidates at most; the rest would score too low to matter anyway.
MAX_CANDIDATES = 20_000
AGE_TOLERANCE = 3


@dataclass
class Match:
    person: Person
    score: float  # 0..1
    reasons: list[str] = field(default_factory=list)


@lru_cache(maxsize=65536)
def _clean(name: str) -> str:
    name = re.sub(r"\(.*?\)", " ", name or "")  # "(born 1980-01-02)" notes on merged aliases
    return " ".join(re.sub(r"[^\w' -]", " ", name.lower()).replace("-", " ").split())


@lru_cache(maxsize=65536)
def _split(full: str) -> tuple[str, str]:
    tokens = _clean(full).split()
    if not tokens:
        return "", ""
    if len(tokens) == 1:
        return tokens[0], ""
    return tokens[0], tokens[-1]


@lru_cache(maxsize=65536)
def _codes(name: str) -> tuple[str, str]:
    return jellyfish.metaphone(name), jellyfish.nysiis(name)


def _phonetic(a: str, b: str) -> bool:
    if not (a and b):
        return False
    (meta_a, nysiis_a), (meta_b, nysiis_b) = _codes(a), _codes(b)
    return meta_a == meta_b or nysiis_a == nysiis_b


def _token_similarity(a: str, b: str, *, given: bool = False) -> tuple[float, str]:
    """Similarity of two single names, and what made them alike ('' when nothing notable)."""
    if not a or not b:
        return 0.0, ""
    if a == b:
        return 1.0, "same"
    if given and NICKNAMES.get(a, set()) & NICKNAMES.get(b, set()):
        return 0.95, "nickname"
    jw = jellyfish.jaro_winkler_similarity(a, b)
    # Short given names often share a code (John, Jane: JN), so for them sound alone is not enough.
    if _phonetic(a, b) and (not given or jw >= 0.75):
        return max(jw, 0.9), "sounds alike"
    if given and (len(a) == 1 or len(b) == 1) and a[0] == b[0]:
        return 0.8, "initial"
    return jw, "spelling" if jw >= 0.88 else ""


def _name_score(q_first: str, q_last: str, c_first: str, c_last: str) -> tuple[float, list[str]]:
    first, first_how = _token_similarity(q_first, c_first, given=True)
    last, last_how = _token_similarity(q_last, c_last)
    if not q_last or not c_last:
        return first * 0.7, [f"first name: {first_how}"] if first_how else []
    score = 0.45 * first + 0.55 * last
    reasons = []
    if last_how:
        reasons.append(f"last name: {last_how}")
    if first_how:
        reasons.append(f"first name: {first_how}")
    return score, reasons


def _best_name(q_names: list[tuple[str, str, str]], c_names: list[tuple[str, str, str]]) -> tuple[float, list[str]]:
    """Best score over every pairing of the query's names with the candidate's, swaps included."""
    best, best_reasons = 0.0, []
    for q_first, q_last, q_label in q_names:
        for c_first, c_last, c_label in c_names:
            for swapped in (False, True):
                a_first, a_last = (q_last, q_first) if swapped else (q_first, q_last)
                score, reasons = _name_score(a_first, a_last, c_first, c_last)
                if swapped:
                    score *= 0.95
                if score > best:
                    best = score
                    best_reasons = list(reasons)
                    if swapped and score >= 0.7:
                        best_reasons.append("first and last names swapped")
                    if q_label:
                        best_reasons.append(q_label)
                    if c_label:
                        best_reasons.append(c_label)
    return best, best_reasons


def _swap_day_month(d: date) -> date | None:
    try:
        return d.replace(month=d.day, day=d.month) if d.day != d.month else None
    except ValueError:
        return None


def _shift_year(d: date, years: int) -> date | None:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return None


def _one_digit_typos(d: date) -> list[date]:
    digits = d.strftime("%Y%m%d")
    found = []
    for i, old in enumerate(digits):
        for new in "0123456789":
            if new == old:
                continue
            text = digits[:i] + new + digits[i + 1:]
            try:
                found.append(date(int(text[:4]), int(text[4:6]), int(text[6:])))
            except ValueError:
                continue
    return found


def _dob_variants(d: date) -> set[date]:
    variants = {d, *_one_digit_typos(d)}
    for v in (_swap_day_month(d), _shift_year(d, 1), _shift_year(d, -1)):
        if v:
            variants.add(v)
    return variants


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _dob_score(q_dob: date | None, q_age: int | None, c_dob: date | None, c_age: int | None,
               today: date) -> tuple[float | None, str]:
    """1.0 for the same date, less for the usual slips; 0 for a clear mismatch; None when nothing to compare."""
    if q_dob and c_dob:
        if q_dob == c_dob:
            return 1.0, "same date of birth"
        if _swap_day_month(q_dob) == c_dob:
            return 0.8, "date of birth with day and month swapped"
        if sum(a != b for a, b in zip(q_dob.strftime("%Y%m%d"), c_dob.strftime("%Y%m%d"), strict=True)) == 1:
            return 0.8, "date of birth one digit apart"
        if (q_dob.month, q_dob.day) == (c_dob.month, c_dob.day) and abs(q_dob.year - c_dob.year) == 1:
            return 0.75, "year of birth off by one"
        return 0.0, ""
    q_years = _age(q_dob, today) if q_dob else q_age
    c_years = _age(c_dob, today) if c_dob else c_age
    if q_years is None or c_years is None:
        return None, ""
    if abs(q_years - c_years) <= AGE_TOLERANCE:
        return 0.6, f"age within {AGE_TOLERANCE} years"
    return 0.0, ""


def score(q_first: str, q_last: str, q_aliases: Iterable[str], q_dob: date | None, q_age: int | None,
          c_first: str, c_last: str, c_aliases: Iterable[str], c_dob: date | None, c_age: int | None,
          today: date | None = None) -> tuple[float, list[str]]:
    """How likely a described person (q_*) is the candidate (c_*), 0..1, with the reasons."""
    today = today or timezone.localdate()
    q_names = [(_clean(q_first), _clean(q_last), "")]
    q_names += [(*_split(a), f"their other name “{a}”") for a in q_aliases if _clean(a)]
    c_names = [(_clean(c_first), _clean(c_last), "")]
    c_names += [(*_split(a), f"matches alias “{a}”") for a in c_aliases if _clean(a)]
    name, reasons = _best_name(q_names, c_names)
    # A one-word street name is only worth something when it is the same on both sides.
    street_q = {_clean(a) for a in q_aliases if len(_clean(a).split()) == 1}
    street_c = {_clean(a) for a in c_aliases if len(_clean(a).split()) == 1}
    if street_q & street_c:
        reasons.append("same street name")
        name = min(1.0, name + 0.1)
    dob, dob_reason = _dob_score(q_dob, q_age, c_dob, c_age, today)
    if dob is None:
        total = name * 0.8
        reasons.append("no date of birth to compare")
    elif dob == 0.0:
        total = name * 0.55
        reasons.append("different date of birth or age")
    else:
        total = name * (0.65 + 0.35 * dob)
        reasons.append(dob_reason)
    return round(min(1.0, total), 4), reasons


def _prefix_range(column: str, prefix: str) -> Q:
    """Names starting with `prefix`, as index-friendly ranges over the usual capitalisations."""
    q = Q()
    for variant in {prefix.title(), prefix.upper(), prefix.lower()}:
        upper = variant[:-1] + chr(ord(variant[-1]) + 1)
        q |= Q(**{f"{column}__gte": variant, f"{column}__lt": upper})
    return q


def _blocking(first: str, last: str, dob: date | None, aliases: list[str]) -> Q:
    first_c, last_c = _clean(first), _clean(last)
    q = Q(pk__in=[])
    if dob:
        q |= Q(date_of_birth__in=sorted(_dob_variants(dob)))
    if len(last_c) >= 2:
        q |= _prefix_range("last_name", last_c[:2])
    if len(first_c) >= 2 and len(last_c) >= 2:
        q |= _prefix_range("first_name", last_c[:2]) & _prefix_range("last_name", first_c[:2])
    full_names = {f"{first} {last}".strip(), *aliases}
    full_names.discard("")
    if full_names:
        for name in full_names:
            q |= Q(pk__in=Alias.objects.filter(name__iexact=name).values("person_id"))
    for alias in aliases:
        a_first, a_last = _split(alias)
        if a_last and len(a_last) >= 2:
            q |= _prefix_range("last_name", a_last[:2]) & Q(first_name__istartswith=a_first[:1])
    if last_c:
        # A previous legal name or other spelling on file that ends with the described last name.
        q |= Q(pk__in=Alias.objects.filter(name__iendswith=f" {last_c}").values("person_id"))
    return q


def possible_matches(first_name: str, last_name: str, *, date_of_birth: date | None = None,
                     approximate_age: int | None = None, aliases: Iterable[str] = (),
                     queryset: QuerySet[Person] | None = None, limit: int = 10) -> list[Match]:
    """The persons on file most likely to be the one described, best first. Tombstones never match."""
    aliases = [a for a in aliases if a and a.strip()]
    base = (queryset if queryset is not None else Person.objects.all()).filter(merged_into__isnull=True)
    candidates = base.filter(_blocking(first_name, last_name, date_of_birth, aliases))
    rows = list(candidates.values_list("pk", "first_name", "last_name", "date_of_birth", "approximate_age")
                .order_by()[:MAX_CANDIDATES])
    if not rows:
        return []
    alias_names: dict[int, list[str]] = {}
    ids = [r[0] for r in rows]
    for start in range(0, len(ids), 900):  # below every database's limit on query parameters
        for person_id, name in Alias.objects.filter(person_id__in=ids[start:start + 900]).values_list(
                "person_id", "name"):
            alias_names.setdefault(person_id, []).append(name)
    today = timezone.localdate()
    scored = []
    for pk, c_first, c_last, c_dob, c_age in rows:
        value, reasons = score(first_name, last_name, aliases, date_of_birth, approximate_age,
                               c_first, c_last, alias_names.get(pk, []), c_dob, c_age, today)
        scored.append((value, pk, reasons))
    scored.sort(key=lambda s: (-s[0], s[1]))
    top = scored[:limit]
    persons = Person.objects.in_bulk([pk for _, pk, _ in top])
    return [Match(persons[pk], value, reasons) for value, pk, reasons in top if pk in persons]


def bench(queries: int = 50, seed: int = 7, out=print) -> dict:
    """A rough speed check against the persons on file: look up perturbed copies of random persons.
    Prints and returns timings; asserts nothing (machines differ)."""
    import random

    rng = random.Random(seed)
    total = Person.objects.filter(merged_into__isnull=True).count()
    if not total:
        out("no persons on file")
        return {"persons": 0, "queries": 0}
    pks = list(Person.objects.filter(merged_into__isnull=True).order_by("pk").values_list("pk", flat=True))
    sample = Person.objects.in_bulk(rng.sample(pks, min(queries, len(pks))))
    timings, found = [], 0
    for person in sample.values():
        last = person.last_name
        if len(last) > 3 and rng.random() < 0.5:  # a typo past the second letter
            i = rng.randrange(2, len(last) - 1)
            last = last[:i] + last[i + 1] + last[i] + last[i + 2:]
        dob = person.date_of_birth
        if dob and rng.random() < 0.3:
            dob = _swap_day_month(dob) or dob
        started = time.perf_counter()
        matches = possible_matches(person.first_name, last, date_of_birth=dob,
                                   approximate_age=person.approximate_age)
        timings.append(time.perf_counter() - started)
        found += any(m.person.pk == person.pk for m in matches)
    timings.sort()
    result = {"persons": total, "queries": len(timings), "found": found,
              "median_ms": round(1000 * timings[len(timings) // 2], 1), "max_ms": round(1000 * timings[-1], 1)}
    out(f"possible_matches over {total:,} persons: {result['queries']} look-ups, median {result['median_ms']} ms, "
        f"slowest {result['max_ms']} ms, the person sought found {found} times")
    return result


__all__ = ["Match", "NICKNAMES", "bench", "possible_matches", "score"]
