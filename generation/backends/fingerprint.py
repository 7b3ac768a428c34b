"""Fingerprint a model folder by its tensors and configs, not by its file bytes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from eventlog.canonical import canonical_bytes
from generation.backends.base import ModelFolderError

FINGERPRINT_VERSION = "continuity-model-fingerprint-v1"
WEIGHT_SUFFIXES = (".safetensors", ".bin")
CONFIG_SUFFIXES = (".json", ".txt", ".model")
# Paths, loading options and tool versions leak into configs when the same model is re-saved;
# they are not its identity (tool versions are recorded by the runtime environment instead).
VOLATILE_KEYS = frozenset(
    {
        "_name_or_path",
        "name_or_path",
        "_commit_hash",
        "_diffusers_version",
        "transformers_version",
        "is_local",
        "local_files_only",
        "cache_dir",
    }
)


def model_fingerprint(folder: Path) -> str:
    """Return a SHA-256 over every tensor and every config of the model in `folder`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelFolderError(f"model folder {str(folder)!r} does not exist")
    weights = _weight_files(folder)
    if not weights:
        raise ModelFolderError(f"model folder {str(folder)!r} holds no .safetensors or .bin weights")
    digest = hashlib.sha256(FINGERPRINT_VERSION.encode())
    for relative, payload in _config_entries(folder):
        digest.update(canonical_bytes({"config": relative, "bytes": len(payload)}))
        digest.update(payload)
    for header, data in _tensor_entries(folder, weights):
        digest.update(canonical_bytes(header))
        digest.update(data)
    return digest.hexdigest()


def _visible_files(folder: Path) -> list[Path]:
    # Hidden entries (.cache, .git) come from download tools, not from the model.
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def _weight_files(folder: Path) -> list[Path]:
    """Return the weight files diffusers would load: safetensors where a component has them."""
    files = [path for path in _visible_files(folder) if path.suffix in WEIGHT_SUFFIXES]
    with_safetensors = {path.parent for path in files if path.suffix == ".safetensors"}
    return [path for path in files if path.suffix == ".safetensors" or path.parent not in with_safetensors]


def _config_entries(folder: Path) -> Iterator[tuple[str, bytes]]:
    for path in _visible_files(folder):
        if path.suffix not in CONFIG_SUFFIXES:
            continue
        relative = path.relative_to(folder).as_posix()
        if path.suffix == ".json":
            yield relative, canonical_bytes(_without_volatile_keys(_read_json(path)))
        else:
            yield relative, path.read_bytes()


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ModelFolderError(f"config {str(path)!r} is not valid JSON: {error}") from None


def _without_volatile_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_volatile_keys(item) for key, item in value.items() if key not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_without_volatile_keys(item) for item in value]
    return value


def _tensor_entries(folder: Path, weights: list[Path]) -> Iterator[tuple[dict[str, Any], Any]]:
    """Yield (header, raw bytes) per tensor, sorted by component folder and tensor name."""
    with ExitStack() as stack:
        sources = [_open_weights(path, stack) for path in weights]
        index = sorted(
            (path.parent.relative_to(folder).as_posix(), name, position)
            for position, (path, tensors) in enumerate(zip(weights, sources, strict=True))
            for name in tensors.keys()
        )
        for component, name, position in index:
            tensor = sources[position].get_tensor(name)
            header = {"tensor": f"{component}/{name}", "dtype": str(tensor.dtype), "shape": list(tensor.shape)}
            yield header, _raw_bytes(tensor)


def _open_weights(path: Path, stack: ExitStack) -> Any:
    if path.suffix == ".safetensors":
        from safetensors import SafetensorError, safe_open

        try:
            return stack.enter_context(safe_open(str(path), framework="pt", device="cpu"))
        except (SafetensorError, OSError) as error:
            raise ModelFolderError(f"weights {str(path)!r} cannot be read: {error}") from None
    return _TorchWeights(path)


def _raw_bytes(tensor: Any) -> Any:
    import torch

    flat = tensor.detach().cpu().contiguous().reshape(-1)
    return flat.view(torch.uint8).numpy().data


class _TorchWeights:
    """Expose a torch .bin state dict (nested dicts flattened with dots) like a safetensors handle."""

    def __init__(self, path: Path) -> None:
        import torch

        try:
            loaded = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as error:  # torch raises many unrelated types for a corrupt pickle
            raise ModelFolderError(f"weights {str(path)!r} cannot be read: {error}") from None
        self._tensors = dict(_flatten(loaded, ""))

    def keys(self) -> list[str]:
        """Return the flattened tensor names."""
        return list(self._tensors)

    def get_tensor(self, name: str) -> Any:
        """Return the tensor stored under `name`."""
        return self._tensors[name]


def _flatten(value: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}{key}.")
    elif hasattr(value, "dtype") and hasattr(value, "shape"):
        yield prefix.rstrip("."), value
