from __future__ import annotations

import hashlib

import pytest

from generation.backends import (
    BackendError,
    ModelFolderError,
    Reference,
    RenderRequest,
    clear_backend_cache,
    load_backend,
)


def test_load_backend_returns_the_cached_backend_for_the_same_key() -> None:
    # given
    first = load_backend("previz", None)

    # when
    second = load_backend("previz", "/ignored/for/previz")

    # then
    assert second is first


def test_clearing_the_cache_loads_a_new_backend() -> None:
    # given
    first = load_backend("previz", None, threads=3)

    # when
    clear_backend_cache()
    second = load_backend("previz", None, threads=3)

    # then
    assert second is not first


def test_an_unknown_backend_is_a_backend_error() -> None:
    # given
    name = "dall-e"

    # when / then
    with pytest.raises(BackendError, match="unknown backend 'dall-e'; expected one of diffusers, previz"):
        load_backend(name, None)


def test_the_diffusers_backend_needs_a_path() -> None:
    # given
    path = None

    # when / then
    with pytest.raises(ModelFolderError, match="needs a model folder path"):
        load_backend("diffusers", path)


def test_a_reference_whose_hash_does_not_match_its_image_is_refused() -> None:
    # given
    image = b"\x89PNG..."

    # when / then
    with pytest.raises(ValueError, match="'Mara': sha256 does not match the image bytes"):
        Reference(role="character", kind="character", name="Mara", sha256="0" * 64, image=image)


def test_a_request_manifest_lists_references_by_hash_without_image_bytes() -> None:
    # given
    image = b"portrait"
    digest = hashlib.sha256(image).hexdigest()
    reference = Reference(role="character", kind="character", name="Mara", sha256=digest, image=image)
    request = RenderRequest(
        prompt="p",
        negative_prompt="n",
        seed=1,
        width=64,
        height=64,
        steps=2,
        guidance=1.0,
        title="t",
        references=(reference,),
    )

    # when
    manifest = request.manifest()

    # then
    assert manifest == {
        "prompt": "p",
        "negative_prompt": "n",
        "seed": 1,
        "width": 64,
        "height": 64,
        "steps": 2,
        "guidance": 1.0,
        "title": "t",
        "references": [{"role": "character", "kind": "character", "name": "Mara", "sha256": digest}],
    }
