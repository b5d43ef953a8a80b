"""The style table: users' layers in a colour no route is drawn in, whatever its status."""

from __future__ import annotations

import pytest

from corridor_atlas import styles

# Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula: implementation
# notes, supplementary test data, and mathematical observations", Table 1 (pairs 1, 3, 7,
# 13, 17–20, 25 and 34): CIELAB pairs and their published difference.
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 2.8361, -74.0200), (50.0, 0.0, -82.7485), 3.4412),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0009), 7.1792),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (61.0, -5.0, 29.0), 22.8977),
    ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
    ((50.0, 2.5, 0.0), (58.0, 24.0, 15.0), 19.4535),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA)
def test_ciede2000_gives_the_published_differences(lab1, lab2, expected):
    assert styles.delta_e_2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert styles.delta_e_2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_colour_difference_of_srgb_colours():
    assert styles.colour_difference("#FFFFFF", "#000000") == pytest.approx(100, abs=0.01)
    assert styles.colour_difference("#6B3FA0", "#6B3FA0") == 0
    assert styles.over("#000000", "#FFFFFF", 0.5) == "#808080"


def _route_looks() -> list[tuple[str, str]]:
    """Every colour a route line takes on the map: each kind's shades at each opacity a
    status, a schematic segment or a missing flow figure draws them with, on land and sea."""
    colours = {c for shades in styles.KIND_SHADES.values() for c in shades}
    colours |= set(styles.KIND_COLOURS.values())
    opacities = {styles.STATUS_OPACITY.get(s, 1.0) for s in styles.STATUS_DASH}
    opacities |= {o * styles.SCHEMATIC_LINE_OPACITY for o in opacities}
    opacities.add(styles.NO_FIGURE_OPACITY)
    return [(f"{c} at {o:.0%} on {ground}", styles.over(c, ground, o))
            for c in sorted(colours) for o in sorted(opacities)
            for ground in (styles.LAND_COLOUR, styles.SEA_COLOUR)]


def test_user_colour_is_far_from_every_route_as_drawn():
    looks = _route_looks()
    assert len(looks) >= 100
    near = min(looks, key=lambda look: styles.colour_difference(styles.USER_COLOUR, look[1]))
    distance = styles.colour_difference(styles.USER_COLOUR, near[1])
    assert distance >= styles.USER_MIN_DIFFERENCE, (
        f"{styles.USER_COLOUR} is {distance:.1f} (CIEDE2000) from {near[0]}")


def test_user_colour_stands_out_on_land_and_sea():
    for ground in (styles.LAND_COLOUR, styles.SEA_COLOUR):
        assert styles.contrast(styles.USER_COLOUR, ground) >= 3.0, ground
    # and its white edge and ring are not a colour of any route
    assert styles.USER_CASING not in {c for s in styles.KIND_SHADES.values() for c in s}


def test_the_pink_users_layers_had_was_too_close_to_the_railway():
    """The check can fail: the former pink is less than the least difference from BTK."""
    btk = styles.KIND_SHADES["rail"][0]
    assert styles.colour_difference("#CC79A7", btk) < styles.USER_MIN_DIFFERENCE
    assert styles.colour_difference(styles.USER_COLOUR, btk) >= styles.USER_MIN_DIFFERENCE
