from __future__ import annotations

import io

import pytest
from PIL import Image

from demo.art import character_portrait, costume_sheet, prop_sketch, scene_plate

PALETTE = ["#2a6f97", "#c44536", "#f2cc8f"]


def _size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_demo_art_is_the_same_png_bytes_every_time() -> None:
    # given
    drawings = [
        lambda: character_portrait("Mara", PALETTE, 1),
        lambda: costume_sheet("Harbour coat", PALETTE, 1),
        lambda: prop_sketch("Brass lantern", PALETTE, 1),
        lambda: scene_plate("Harbour", "dusk", PALETTE, 1),
    ]

    # when
    pairs = [(draw(), draw()) for draw in drawings]

    # then
    assert [first == second for first, second in pairs] == [True, True, True, True]


def test_demo_art_has_the_reference_sizes() -> None:
    # given
    palette = PALETTE

    # when
    sizes = [
        _size(character_portrait("Mara", palette, 1)),
        _size(costume_sheet("Harbour coat", palette, 1)),
        _size(prop_sketch("Old key", palette, 1)),
        _size(scene_plate("Harbour", "night", palette, 1)),
    ]

    # then
    assert sizes == [(256, 256), (256, 256), (256, 256), (384, 216)]


def test_another_seed_or_time_of_day_draws_another_picture() -> None:
    # given
    base = scene_plate("Harbour", "dusk", PALETTE, 1)

    # when
    variants = {scene_plate("Harbour", "dusk", PALETTE, 2), scene_plate("Harbour", "dawn", PALETTE, 1)}

    # then
    assert base not in variants
    assert len(variants) == 2
    assert character_portrait("Mara", PALETTE, 1) != character_portrait("Mara", PALETTE, 2)


def test_an_empty_palette_is_refused() -> None:
    # given
    palette: list[str] = []

    # when / then
    with pytest.raises(ValueError, match="at least one colour"):
        character_portrait("Mara", palette, 1)


def test_a_one_colour_palette_is_enough_for_every_drawing() -> None:
    # given
    palette = ["#b08d57"]

    # when
    sizes = [
        _size(character_portrait("Mara", palette, 1)),
        _size(costume_sheet("Coat", palette, 1)),
        _size(prop_sketch("Chest", palette, 1)),
        _size(scene_plate("Harbour", "day", palette, 1)),
    ]

    # then
    assert sizes == [(256, 256), (256, 256), (256, 256), (384, 216)]
