from __future__ import annotations

import dataclasses
import hashlib

import PIL
import pytest

from demo.art import character_portrait, prop_sketch, scene_plate
from generation.backends import BackendError, Reference, RenderCancelled, RenderRequest, load_backend
from generation.backends.previz import PREVIZ_VERSION


def _reference(role: str, kind: str, name: str, image: bytes) -> Reference:
    return Reference(role=role, kind=kind, name=name, sha256=hashlib.sha256(image).hexdigest(), image=image)


REQUEST = RenderRequest(
    prompt="Mara hands Oren the lantern on the pier as the last ferry leaves; wide shot, warm backlight.",
    negative_prompt="",
    seed=7,
    width=512,
    height=288,
    steps=1,
    guidance=1.0,
    title="Ep 1 / Shot 12 - The handover",
    references=(
        _reference("scene", "scene", "Harbour at dusk", scene_plate("Harbour", "dusk", ["#3d405b"], 3)),
        _reference("character", "character", "Mara", character_portrait("Mara", ["#2a6f97", "#c44536"], 1)),
        _reference("prop", "prop", "Lantern", prop_sketch("brass lantern", ["#b08d57"], 1)),
    ),
)


def test_previz_renders_the_same_pixels_for_the_same_request() -> None:
    # given
    backend = load_backend("previz", None)

    # when
    first, second = backend.render(REQUEST), backend.render(REQUEST)

    # then
    assert (first.mode, first.size) == ("RGB", (512, 288))
    assert second.tobytes() == first.tobytes()


def test_previz_layout_changes_with_the_seed() -> None:
    # given
    backend = load_backend("previz", None)

    # when
    first, other = backend.render(REQUEST), backend.render(dataclasses.replace(REQUEST, seed=8))

    # then
    assert other.tobytes() != first.tobytes()


def test_previz_draws_the_scene_reference_as_the_background() -> None:
    # given
    backend = load_backend("previz", None)
    without_scene = dataclasses.replace(REQUEST, references=REQUEST.references[1:])

    # when
    with_plate, without_plate = backend.render(REQUEST), backend.render(without_scene)

    # then
    assert with_plate.getpixel((500, 140)) != without_plate.getpixel((500, 140))


def test_previz_without_references_still_draws_a_frame() -> None:
    # given
    request = dataclasses.replace(REQUEST, references=(), width=96, height=64, title="")

    # when
    image = load_backend("previz", None).render(request)

    # then
    assert image.size == (96, 64)


def test_previz_reports_one_step_of_progress() -> None:
    # given
    calls: list[tuple[int, int]] = []

    # when
    load_backend("previz", None).render(REQUEST, progress=lambda step, total: calls.append((step, total)))

    # then
    assert calls == [(1, 1)]


def test_a_cancelled_previz_render_raises_render_cancelled() -> None:
    # given
    backend = load_backend("previz", None)

    # when / then
    with pytest.raises(RenderCancelled):
        backend.render(REQUEST, cancelled=lambda: True)


def test_a_reference_that_is_not_an_image_is_a_backend_error() -> None:
    # given
    request = dataclasses.replace(REQUEST, references=(_reference("prop", "prop", "Note", b"not a png"),))

    # when / then
    with pytest.raises(BackendError, match="'Note' is not a readable image"):
        load_backend("previz", None).render(request)


def test_previz_describes_its_drawing_version_and_pillow() -> None:
    # given
    backend = load_backend("previz", None)

    # when
    description = backend.describe()

    # then
    assert description == {"backend": "previz", "version": PREVIZ_VERSION, "pillow": PIL.__version__}
