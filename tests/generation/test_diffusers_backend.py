from __future__ import annotations

import dataclasses
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

import generation
from demo.art import character_portrait, scene_plate
from demo.tinymodel import build_tiny_pipeline
from eventlog.canonical import canonical_hash
from generation.backends import ModelFolderError, Reference, RenderCancelled, RenderRequest, load_backend
from generation.backends.diffusers_backend import IP_ADAPTER_SUBFOLDER, DiffusersBackend, describe_folder
from generation.backends.fingerprint import model_fingerprint
from generation.pngmeta import encode_png

REPOSITORY = Path(generation.__file__).resolve().parents[1]
REQUEST = RenderRequest(
    prompt="a harbour at dusk",
    negative_prompt="blurry",
    seed=7,
    width=64,
    height=64,
    steps=4,
    guidance=7.5,
    title="Shot 1",
    references=(),
)


@pytest.fixture(scope="module")
def ip_adapter_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_pipeline(tmp_path_factory.mktemp("tiny") / "model", seed=0, with_ip_adapter=True)


@pytest.fixture(scope="module")
def plain_folder(ip_adapter_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("plain") / "model"
    return Path(shutil.copytree(ip_adapter_folder, target, ignore=shutil.ignore_patterns(IP_ADAPTER_SUBFOLDER)))


@pytest.fixture(scope="module")
def backend(plain_folder: Path) -> DiffusersBackend:
    return DiffusersBackend(plain_folder, threads=1)


@pytest.fixture(scope="module")
def ip_backend(ip_adapter_folder: Path) -> DiffusersBackend:
    return DiffusersBackend(ip_adapter_folder, threads=1)


def _reference(role: str, name: str, image: bytes) -> Reference:
    return Reference(role=role, kind=role, name=name, sha256=hashlib.sha256(image).hexdigest(), image=image)


def _png(image: Image.Image) -> bytes:
    manifest = {"request": REQUEST.manifest()}
    return encode_png(image, manifest=manifest, manifest_hash=canonical_hash(manifest))


MARA = _reference("character", "Mara", character_portrait("Mara", ["#2a6f97", "#c44536"], 1))
OREN = _reference("character", "Oren", character_portrait("Oren", ["#6a994e", "#bc4749"], 2))
HARBOUR = _reference("scene", "Harbour", scene_plate("Harbour", "dusk", ["#3d405b"], 3))

RENDER_IN_SUBPROCESS = """
import sys
from generation.backends import RenderRequest, load_backend
from eventlog.canonical import canonical_hash
from generation.pngmeta import encode_png
request = RenderRequest(prompt="a harbour at dusk", negative_prompt="blurry", seed=7, width=64, height=64,
                        steps=4, guidance=7.5, title="Shot 1", references=())
image = load_backend("diffusers", sys.argv[1], threads=1).render(request)
manifest = {"request": request.manifest()}
sys.stdout.buffer.write(encode_png(image, manifest=manifest, manifest_hash=canonical_hash(manifest)))
"""


def test_reloaded_pipeline_renders_the_same_png_as_the_first_load(
    backend: DiffusersBackend, plain_folder: Path
) -> None:
    # given
    first = _png(backend.render(REQUEST))

    # when
    second = _png(DiffusersBackend(plain_folder, threads=1).render(REQUEST))

    # then
    assert second == first


def test_a_fresh_process_renders_the_same_png_bytes(backend: DiffusersBackend, plain_folder: Path) -> None:
    # given
    expected = _png(backend.render(REQUEST))

    # when
    result = subprocess.run(
        [sys.executable, "-c", RENDER_IN_SUBPROCESS, str(plain_folder)],
        cwd=REPOSITORY,
        capture_output=True,
        check=True,
    )

    # then
    assert result.stdout == expected


def test_a_different_seed_renders_a_different_image(backend: DiffusersBackend) -> None:
    # given
    first = backend.render(REQUEST)

    # when
    other = backend.render(dataclasses.replace(REQUEST, seed=8))

    # then
    assert other.tobytes() != first.tobytes()


def test_render_returns_an_rgb_image_of_the_requested_size(backend: DiffusersBackend) -> None:
    # given
    request = dataclasses.replace(REQUEST, width=64, height=32, steps=2)

    # when
    image = backend.render(request)

    # then
    assert (image.mode, image.size) == ("RGB", (64, 32))


def test_progress_is_reported_once_per_step(backend: DiffusersBackend) -> None:
    # given
    calls: list[tuple[int, int]] = []

    # when
    backend.render(REQUEST, progress=lambda step, total: calls.append((step, total)))

    # then
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_cancelling_between_steps_raises_render_cancelled(backend: DiffusersBackend) -> None:
    # given
    calls: list[tuple[int, int]] = []

    # when / then
    with pytest.raises(RenderCancelled, match="after step 2"):
        backend.render(REQUEST, progress=lambda *call: calls.append(call), cancelled=lambda: len(calls) == 2)
    assert calls == [(1, 4), (2, 4)]


def test_describe_names_the_fingerprint_scheduler_and_reference_handling(backend: DiffusersBackend) -> None:
    # given
    folder = backend.folder

    # when
    description = backend.describe()

    # then
    assert description["fingerprint"] == model_fingerprint(folder)
    assert description["scheduler"]["class"] == "DDIMScheduler"
    assert description["scheduler"]["config"]["beta_schedule"] == "scaled_linear"
    assert {key: description[key] for key in ("backend", "pipeline", "dtype", "device", "threads")} == {
        "backend": "diffusers",
        "pipeline": "StableDiffusionPipeline",
        "dtype": "float32",
        "device": "cpu",
        "threads": 1,
    }
    assert (description["ip_adapter"], description["references"]) == (
        False,
        "manifest only: this model has no IP-Adapter",
    )
    assert canonical_hash(description)


def test_a_missing_model_folder_is_a_model_folder_error(tmp_path: Path) -> None:
    # given
    missing = tmp_path / "missing"

    # when / then
    with pytest.raises(ModelFolderError, match="does not exist"):
        load_backend("diffusers", str(missing))


def test_a_folder_with_broken_weights_is_a_model_folder_error(plain_folder: Path, tmp_path: Path) -> None:
    # given
    broken = Path(shutil.copytree(plain_folder, tmp_path / "broken"))
    (broken / "unet" / "diffusion_pytorch_model.safetensors").write_bytes(b"not weights")

    # when / then
    with pytest.raises(ModelFolderError, match="cannot be read"):
        load_backend("diffusers", str(broken))


def test_ip_adapter_renders_are_repeatable_and_follow_the_reference_images(ip_backend: DiffusersBackend) -> None:
    # given
    with_mara = dataclasses.replace(REQUEST, references=(MARA, HARBOUR))
    with_oren = dataclasses.replace(REQUEST, references=(OREN, HARBOUR))

    # when
    first, again, other = (ip_backend.render(request) for request in (with_mara, with_mara, with_oren))

    # then
    assert again.tobytes() == first.tobytes()
    assert other.tobytes() != first.tobytes()
    assert ip_backend.describe()["ip_adapter"] is True


def test_ip_adapter_uses_references_with_a_character_role_or_kind_or_else_all(ip_backend: DiffusersBackend) -> None:
    # given
    lead = dataclasses.replace(OREN, role="lead")
    cast = dataclasses.replace(REQUEST, references=(HARBOUR, MARA, lead))
    scene_only = dataclasses.replace(REQUEST, references=(HARBOUR,))

    # when
    used = [ip_backend.ip_adapter_references(request) for request in (cast, scene_only)]

    # then
    assert used == [(MARA, lead), (HARBOUR,)]


def test_ip_adapter_model_without_references_renders_like_the_plain_model(
    ip_backend: DiffusersBackend, backend: DiffusersBackend
) -> None:
    # given
    plain = backend.render(REQUEST)

    # when
    adapted = ip_backend.render(REQUEST)

    # then
    assert adapted.tobytes() == plain.tobytes()


@pytest.mark.parametrize("which", ["plain", "ip_adapter"])
def test_a_folder_is_described_as_its_loaded_pipeline_describes_itself_without_loading_it(
    which: str, backend: DiffusersBackend, ip_backend: DiffusersBackend,
) -> None:
    # given
    loaded = backend if which == "plain" else ip_backend
    # when
    described = describe_folder(loaded.folder, device="cpu", threads=1)
    # then: a manifest built from the folder is one the loaded pipeline recognises as its own
    assert described == loaded.describe()


@pytest.mark.django_db
def test_building_a_manifest_never_loads_the_weights(tiny_model, make_episode, admin_user) -> None:
    # given
    from generation import backends
    from generation.services import episode_render

    backends.clear_backend_cache()
    episode = make_episode(tiny_model, shots=1)
    # when
    job = episode_render(actor=admin_user, episode_id=str(episode.id))
    # then
    assert job.total == 1
    assert not any(key[0] == "diffusers" for key in backends._cache)  # described, not loaded
