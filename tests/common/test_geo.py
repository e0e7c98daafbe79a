"""Distances and map links."""

from __future__ import annotations

import math

import pytest

from common.geo import EARTH_RADIUS_KM, bounding_box, haversine_km, map_url


def test_one_degree_along_a_meridian_and_the_equator() -> None:
    # pi * 6371.0088 / 180 = 111.195 km
    assert round(haversine_km(13.0, 100.0, 14.0, 100.0), 3) == 111.195
    assert round(haversine_km(0.0, 100.0, 0.0, 101.0), 3) == 111.195
    assert haversine_km(18.7885, 98.9942, 18.7885, 98.9942) == 0.0


def _destination(lat: float, lon: float, bearing_deg: float, km: float) -> tuple[float, float]:
    d, b = km / EARTH_RADIUS_KM, math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(
        math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
    )
    return math.degrees(p2), math.degrees(l2)


@pytest.mark.parametrize("radius", [15.0, 240.0, 2000.0])
def test_bounding_box_contains_the_whole_circle(radius: float) -> None:
    box = bounding_box(18.79, 98.98, radius)
    for bearing in range(0, 360, 1):
        lat, lon = _destination(18.79, 98.98, bearing, radius)
        assert round(haversine_km(18.79, 98.98, lat, lon), 6) == radius
        assert box.min_lat <= lat <= box.max_lat
        assert box.min_lon <= lon <= box.max_lon


def test_map_url() -> None:
    assert map_url(18.7885, 98.9942) == (
        "https://www.google.com/maps/search/?api=1&query=18.7885,98.9942"
    )
