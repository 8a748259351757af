"""The catchment area: a named list of areas, or an outline on the map, for the doors the protocol names."""

import pytest

from divert.protocol.eligibility import Outcome, judge

from .factories import arrest, social, variant

# Roughly Belltown: a square of about two by one and a half kilometres.
SQUARE = [[47.610, -122.355], [47.625, -122.355], [47.625, -122.335], [47.610, -122.335]]


@pytest.mark.parametrize(("area", "outcome"), [
    pytest.param("Belltown", Outcome.ELIGIBLE, id="inside-named-area"),
    pytest.param("Downtown core", Outcome.ELIGIBLE, id="inside-second-named-area"),
    pytest.param("  belltown ", Outcome.ELIGIBLE, id="inside-ignoring-case-and-spaces"),
    pytest.param("Capitol Hill", Outcome.INELIGIBLE, id="outside"),
    pytest.param("", Outcome.REVIEW, id="area-missing-review"),
])
def test_seattle_named_areas_on_the_arrest_door(seattle, area, outcome):
    facts = arrest(seattle, "PROST")
    facts.area = area
    judgement = judge(seattle, facts)
    assert judgement.outcome == outcome
    if outcome == Outcome.INELIGIBLE:
        assert judgement.reasons == ["Capitol Hill is outside the catchment area."]
    if outcome == Outcome.REVIEW:
        assert judgement.open_questions == ["Area not given: the protocol has a catchment area."]


@pytest.mark.parametrize(("door", "outcome"), [
    pytest.param("arrest", Outcome.ELIGIBLE, id="santa-fe-arrest-door-not-restricted"),
    pytest.param("social", Outcome.INELIGIBLE, id="santa-fe-social-door-restricted"),
])
def test_santa_fe_catchment_applies_to_social_referrals_only(santa_fe, door, outcome):
    facts = (arrest if door == "arrest" else social)(santa_fe, "OPI-POSS", drug_grams="1")
    facts.area = "Albuquerque"
    assert judge(santa_fe, facts).outcome == outcome


@pytest.mark.parametrize(("lat", "lon", "outcome"), [
    pytest.param(47.615, -122.345, Outcome.ELIGIBLE, id="inside-the-outline"),
    pytest.param(47.630, -122.345, Outcome.INELIGIBLE, id="north-of-the-outline"),
    pytest.param(47.615, -122.300, Outcome.INELIGIBLE, id="east-of-the-outline"),
    pytest.param(47.610, -122.345, Outcome.ELIGIBLE, id="on-the-southern-edge-counts-as-inside"),
    pytest.param(47.625, -122.335, Outcome.ELIGIBLE, id="on-a-corner-counts-as-inside"),
])
def test_polygon(db, lat, lon, outcome):
    protocol = variant("seattle", catchment_areas=[], catchment_polygon=SQUARE)
    facts = arrest(protocol, "PROST")
    facts.latitude, facts.longitude = lat, lon
    judgement = judge(protocol, facts)
    assert judgement.outcome == outcome
    if outcome == Outcome.INELIGIBLE:
        assert judgement.reasons == ["The place is outside the catchment area."]


def test_polygon_without_a_location_needs_review_even_with_an_area_name(db):
    protocol = variant("seattle", catchment_areas=[], catchment_polygon=SQUARE)
    facts = arrest(protocol, "PROST")
    facts.area = "Belltown"
    judgement = judge(protocol, facts)
    assert judgement.outcome == Outcome.REVIEW
    assert judgement.open_questions == ["Location not given: the protocol's catchment area is drawn on a map."]


def test_no_catchment_doors_means_no_catchment_check(db):
    protocol = variant("seattle", catchment_doors=[])
    facts = arrest(protocol, "PROST")
    facts.area = "Anywhere"
    assert judge(protocol, facts).outcome == Outcome.ELIGIBLE
