"""point_in_polygon: ray casting over [latitude, longitude] points; edges and corners count as inside."""

import pytest

from divert.lib.geo import point_in_polygon

SQUARE = [(0.0, 0.0), (0.0, 10.0), (10.0, 10.0), (10.0, 0.0)]
# An L: the square without its north-east quarter.
L_SHAPE = [(0.0, 0.0), (0.0, 10.0), (5.0, 10.0), (5.0, 5.0), (10.0, 5.0), (10.0, 0.0)]
TRIANGLE = [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)]


@pytest.mark.parametrize(("polygon", "point", "inside"), [
    pytest.param(SQUARE, (5, 5), True, id="square-centre"),
    pytest.param(SQUARE, (11, 5), False, id="square-north-outside"),
    pytest.param(SQUARE, (-0.001, 5), False, id="square-just-south-outside"),
    pytest.param(SQUARE, (0, 5), True, id="square-on-edge"),
    pytest.param(SQUARE, (10, 10), True, id="square-on-corner"),
    pytest.param(SQUARE, (5, 10), True, id="square-on-east-edge"),
    pytest.param(L_SHAPE, (2, 2), True, id="l-shape-inside"),
    pytest.param(L_SHAPE, (7, 7), False, id="l-shape-notch-outside"),
    pytest.param(L_SHAPE, (5, 7), True, id="l-shape-inner-edge"),
    pytest.param(L_SHAPE, (7, 5), True, id="l-shape-other-inner-edge"),
    pytest.param(TRIANGLE, (2, 2), True, id="triangle-inside"),
    pytest.param(TRIANGLE, (6, 6), False, id="triangle-beyond-hypotenuse"),
    pytest.param(TRIANGLE, (5, 5), True, id="triangle-on-hypotenuse"),
    pytest.param(TRIANGLE, (-1, -1), False, id="triangle-beyond-vertex"),
])
def test_point_in_polygon(polygon, point, inside):
    assert point_in_polygon(*point, polygon) is inside


def test_orientation_does_not_matter():
    assert point_in_polygon(5, 5, list(reversed(SQUARE)))
    assert not point_in_polygon(7, 7, list(reversed(L_SHAPE)))


def test_real_coordinates():
    belltown = [(47.610, -122.355), (47.625, -122.355), (47.625, -122.335), (47.610, -122.335)]
    assert point_in_polygon(47.6149, -122.3447, belltown)  # a street corner inside
    assert not point_in_polygon(47.6062, -122.3321, belltown)  # further south-east
