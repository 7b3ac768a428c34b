"""Record, apply and compare everything in the runtime that can change the bits of a render."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from typing import Any

import numpy
import PIL
from PIL import features

# Read once at process start by torch/oneDNN/MKL/cuBLAS: recorded and compared, never set afterwards.
PROCESS_START_VARIABLES = ("ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "MKL_CBWR", "CUBLAS_WORKSPACE_CONFIG")
BATCH_SIZE = 1
IMAGING_KEYS = ("python", "pillow", "numpy", "freetype", "zlib")


def runtime_environment(*, device: str, threads: int, include_torch: bool = True) -> dict[str, Any]:
    """Return a flat record of versions, threads, device and flags that change the bits of a render."""
    environment = _imaging_environment()
    if include_torch:
        environment.update(_torch_environment(device=device, threads=threads))
    return environment


def imaging_environment(environment: dict[str, Any]) -> dict[str, Any]:
    """Return the part of a recorded environment that reaches an image drawn without torch (previz)."""
    return {key: environment.get(key) for key in IMAGING_KEYS}


def _imaging_environment() -> dict[str, Any]:
    # FreeType draws previz text and zlib compresses every PNG, so both reach the output bytes.
    return {
        "python": platform.python_version(),
        "pillow": PIL.__version__,
        "numpy": numpy.__version__,
        "freetype": features.version("freetype2"),
        "zlib": features.version("zlib"),
    }


def _torch_environment(*, device: str, threads: int) -> dict[str, Any]:
    import torch

    environment: dict[str, Any] = {
        "torch": torch.__version__,
        "diffusers": _package_version("diffusers"),
        "transformers": _package_version("transformers"),
        "machine": platform.machine(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "threads": threads,
        "device": device,
        "deterministic_algorithms": torch.are_deterministic_algorithms_enabled(),
        "batch_size": BATCH_SIZE,
    }
    environment.update(_gpu_environment(device))
    environment.update({f"env:{name}": os.environ.get(name) for name in PROCESS_START_VARIABLES})
    return environment


def _gpu_environment(device: str) -> dict[str, Any]:
    import torch

    if not device.startswith("cuda"):
        return {"gpu": None, "cuda": None, "cudnn": None, "cudnn_deterministic": None, "cudnn_benchmark": None}
    return {
        "gpu": torch.cuda.get_device_name(torch.device(device)),
        "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version(),
        "cudnn_deterministic": torch.backends.cudnn.deterministic,
        "cudnn_benchmark": torch.backends.cudnn.benchmark,
    }


def _package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def apply_environment(env: dict[str, Any]) -> None:
    """Set the thread count and determinism flags recorded in `env` for a reproduction."""
    if "torch" not in env:
        return
    import torch

    if env.get("threads") is not None and torch.get_num_threads() != int(env["threads"]):
        torch.set_num_threads(int(env["threads"]))  # only when it differs: setting it costs the next render
    if env.get("deterministic_algorithms") is not None:
        torch.use_deterministic_algorithms(bool(env["deterministic_algorithms"]))
    if env.get("cudnn_deterministic") is not None:
        torch.backends.cudnn.deterministic = bool(env["cudnn_deterministic"])
    if env.get("cudnn_benchmark") is not None:
        torch.backends.cudnn.benchmark = bool(env["cudnn_benchmark"])


def environment_differences(recorded: dict[str, Any], current: dict[str, Any]) -> list[dict[str, Any]]:
    """List every key whose value differs between two environments, sorted by key."""
    return [
        {"key": key, "recorded": recorded.get(key), "current": current.get(key)}
        for key in sorted(recorded.keys() | current.keys())
        if recorded.get(key) != current.get(key)
    ]
