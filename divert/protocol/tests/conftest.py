"""The three example protocols, approved on the first day of 2026."""

import pytest

from divert.protocol.actions import load_example

from .factories import APPROVED_ON


@pytest.fixture
def seattle(db):
    return load_example("seattle", approved_on=APPROVED_ON)


@pytest.fixture
def santa_fe(db):
    return load_example("santa_fe", approved_on=APPROVED_ON)


@pytest.fixture
def three_door(db):
    return load_example("three_door", approved_on=APPROVED_ON)


@pytest.fixture
def example(request, db):
    """Parametrize indirectly with an example key."""
    return load_example(request.param, approved_on=APPROVED_ON)



@pytest.fixture
def draft(seattle, manager_mo):
    """Version 2: a draft of the Seattle example, started by the project manager."""
    from divert.protocol.actions import do_create_draft

    return do_create_draft(actor=manager_mo, based_on=seattle)
