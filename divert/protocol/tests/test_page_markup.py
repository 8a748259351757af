"""Every protocol page: one h1, a label for every input, unique ids, nothing inline for the CSP to refuse."""

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from .factories import edit_post


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h1 = 0
        self.ids = Counter()
        self.labelled = set()
        self.inputs = []
        self.inline = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h1":
            self.h1 += 1
        if "id" in attrs:
            self.ids[attrs["id"]] += 1
        if tag == "label" and "for" in attrs:
            self.labelled.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.inputs.append(attrs.get("id"))
        if "style" in attrs or any(name.startswith("on") for name in attrs):
            self.inline.append((tag, attrs))
        if tag == "script" and "src" not in attrs:
            self.inline.append((tag, attrs))
        if tag == "style":
            self.inline.append((tag, attrs))


def _check(html: str) -> None:
    page = _Page()
    page.feed(html)
    assert page.h1 == 1
    assert [i for i, n in page.ids.items() if n > 1] == []
    assert [i for i in page.inputs if i is None or i not in page.labelled] == []
    assert page.inline == []


@pytest.mark.parametrize("name", ["index", "detail", "edit", "approve", "diff"])
def test_markup(login, manager_mo, draft, name):
    url = reverse("protocol:index") if name == "index" else reverse(f"protocol:{name}", args=[draft.version])
    response = login(manager_mo).get(url)
    assert response.status_code == 200
    _check(response.content.decode())


def test_markup_of_a_refused_edit(login, manager_mo, draft):
    response = login(manager_mo).post(reverse("protocol:edit", args=[draft.version]),
                                      edit_post(draft, intake_deadline_days="31", **{"offenses-3-code": "X"}))
    assert response.status_code == 400
    _check(response.content.decode())


def test_markup_of_the_first_start(login, manager_mo, db):
    _check(login(manager_mo).get(reverse("protocol:index")).content.decode())
