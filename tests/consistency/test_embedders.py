"""Production embedders from local folders (tiny random-weight DINOv2 and CLIP built here), and studio settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

import eventlog
from consistency.services import render_score


@pytest.fixture(scope="module")
def encoder_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A MODEL_ROOTS folder with tiny random-weight DINOv2 and CLIP image encoders, saved with save_pretrained."""
    import torch
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection, Dinov2Config, Dinov2Model

    root = tmp_path_factory.mktemp("encoders")
    torch.manual_seed(0)
    shape = {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64,
             "image_size": 32, "patch_size": 8}
    Dinov2Model(Dinov2Config(**shape)).save_pretrained(root / "tiny-dino")
    CLIPVisionModelWithProjection(CLIPVisionConfig(**shape, projection_dim=16)).save_pretrained(root / "tiny-clip")
    (root / "not-a-model").mkdir()
    return root


@pytest.fixture
def encoders(settings: Any, encoder_root: Path) -> Path:
    settings.MODEL_ROOTS = [encoder_root]
    return encoder_root


@pytest.mark.parametrize(("folder", "dimension"), [("tiny-dino", 32), ("tiny-clip", 16)])
def test_an_encoder_folder_under_model_roots_loads_and_gives_unit_vectors_and_its_tensor_fingerprint(
    encoders: Path, folder: str, dimension: int,
) -> None:
    # given
    from consistency.embedders import image_embedder
    from generation.backends.fingerprint import model_fingerprint

    images = [Image.new("RGB", (40, 40), (200, 30, 30)), Image.new("RGB", (40, 40), (30, 30, 200))]
    # when
    embedder = image_embedder(f"hf:{folder}")
    vectors = embedder.embed(images)
    # then
    assert vectors.shape == (2, dimension) == (2, embedder.dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.fingerprint == model_fingerprint(encoders / folder)
    assert np.array_equal(embedder.embed(images), vectors)  # deterministic: a score can be recomputed


def test_a_studio_that_switches_to_dinov2_gets_new_scores_beside_the_old_ones(
    api: Any, studio: Any, encoders: Path, episode_of: Callable[..., Any],
    render_episode: Callable[[Any], list[str]], rebuilt_equals_live: Callable[[], None],
) -> None:
    # given: a render scored with the default embedder
    (render_id,) = render_episode(episode_of(["mei"]))
    first = render_score(render_id=render_id)
    # when
    response = api.put(f"/api/studios/{studio.id}/consistency/", {"embedder": "hf:tiny-dino", "on_model": 0.2},
                       format="json")
    second = render_score(render_id=render_id)
    # then
    assert response.status_code == 200, response.json()
    assert response.json()["embedder"] == "hf:tiny-dino" and response.json()["on_model"] == 0.2
    assert first is not None and second is not None and first.pk != second.pk
    body = api.get(f"/api/renders/{render_id}/").json()["consistency"]
    assert body["embedder"]["name"] == "dinov2:tiny-dino"
    scores = list(eventlog.load_stream(f"consistency-render-{render_id}"))
    assert [e.payload.embedder["name"] for e in scores] == ["efficientnet-lite0@160", "dinov2:tiny-dino"]
    rebuilt_equals_live()


@pytest.mark.parametrize("embedder", ["hf:not-a-model", "hf:/etc", "hf:missing", "clip-from-the-internet"])
def test_an_embedder_that_cannot_load_here_is_refused_with_400_and_no_event(
    api: Any, studio: Any, encoders: Path, embedder: str, no_new_events: Callable[[], Any],
) -> None:
    # when
    with no_new_events():
        response = api.put(f"/api/studios/{studio.id}/consistency/", {"embedder": embedder}, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_embedder"


def test_only_a_supervisor_or_admin_sets_the_embedder(
    studio: Any, member: Callable[[str, str], Any], client_for: Callable[[Any], Any],
    no_new_events: Callable[[], Any],
) -> None:
    # given
    artist = client_for(member("art", "artist"))
    # when
    with no_new_events():
        response = artist.put(f"/api/studios/{studio.id}/consistency/", {"embedder": "efficientnet-lite0"},
                              format="json")
    # then
    assert response.status_code == 403
