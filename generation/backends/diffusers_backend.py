"""Render shots with a local diffusers pipeline folder, bit-for-bit repeatably on one machine."""

from __future__ import annotations

import copy
import inspect
import io
import json
import os
import threading
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from generation.backends.base import (
    BackendError,
    CancelledCallback,
    FrameCallback,
    ModelFolderError,
    ProgressCallback,
    Reference,
    RenderCancelled,
    RenderRequest,
)
from generation.backends.fingerprint import model_fingerprint

IP_ADAPTER_ROLE = "character"
# Where a model folder keeps its optional IP-Adapter: the backend defines the layout, model builders follow it.
IP_ADAPTER_SUBFOLDER = "ip_adapter"
IP_ADAPTER_WEIGHT_NAME = "ip_adapter.safetensors"
IMAGE_ENCODER_FOLDER = "image_encoder"
# Frames a text-to-video pipeline without a motion adapter is asked for at most (the shot field's own bound).
MAX_CLIP_FRAMES = 1440


class DiffusersBackend:
    """A diffusers pipeline loaded once from a local folder, with an optional IP-Adapter."""

    name = "diffusers"

    def __init__(self, folder: Path, *, device: str = "cpu", threads: int = 1) -> None:
        self.folder = Path(folder)
        self.device = device
        self.threads = threads
        self.fingerprint = model_fingerprint(self.folder)
        self._pipeline = _load_pipeline(self.folder, device=device, threads=threads)
        self.ip_adapter = _load_ip_adapter(self._pipeline, self.folder)
        # One pipeline object is not safe to run from two threads at once.
        self._lock = threading.Lock()
        # Computed once: the worker compares it with every manifest, and reading the dtype walks the weights.
        self._description = _description(
            fingerprint=self.fingerprint, pipeline=type(self._pipeline).__name__, scheduler=self._pipeline.scheduler,
            dtype=str(self._pipeline.unet.dtype).removeprefix("torch."), device=self.device, threads=self.threads,
            ip_adapter=self.ip_adapter,
        )

    def describe(self) -> dict[str, Any]:
        """Return the model fingerprint, pipeline, scheduler, dtype, device and reference handling."""
        return copy.deepcopy(self._description)

    def ip_adapter_references(self, request: RenderRequest) -> tuple[Reference, ...]:
        """Return the references this backend feeds to the IP-Adapter for `request`."""
        if not self.ip_adapter:
            return ()
        characters = tuple(ref for ref in request.references if IP_ADAPTER_ROLE in (ref.role, ref.kind))
        return characters or request.references

    def render(
        self,
        request: RenderRequest,
        *,
        progress: ProgressCallback | None = None,
        cancelled: CancelledCallback | None = None,
    ) -> Image.Image:
        """Render `request` with a CPU generator seeded from the request."""
        import torch

        if cancelled is not None and cancelled():
            raise RenderCancelled("render cancelled before the first step")
        with self._lock:
            # The thread count is process-wide: make sure nothing changed it. Only set it when it
            # differs: setting it, even to the same value, slows the next render.
            if torch.get_num_threads() != self.threads:
                torch.set_num_threads(self.threads)
            arguments = self._arguments(request, _step_callback(progress, cancelled))
            with torch.inference_mode():
                return self._pipeline(**arguments).images[0]

    def render_frames(
        self,
        request: RenderRequest,
        on_frame: FrameCallback,
        *,
        progress: ProgressCallback | None = None,
        cancelled: CancelledCallback | None = None,
    ) -> None:
        """Render a clip with a pipeline that makes frames (AnimateDiff, text-to-video), one call for all of them."""
        import torch

        if not pipeline_makes_clips(type(self._pipeline)):
            raise BackendError(f"{type(self._pipeline).__name__} renders stills only: it cannot make a clip")
        if cancelled is not None and cancelled():
            raise RenderCancelled("clip cancelled before the first step")
        with self._lock:
            if torch.get_num_threads() != self.threads:
                torch.set_num_threads(self.threads)
            arguments = self._arguments(request, _step_callback(progress, cancelled))
            arguments["num_frames"] = request.frames
            with torch.inference_mode():
                frames = self._pipeline(**arguments).frames[0]
        for frame in frames:
            on_frame(frame)

    def _arguments(self, request: RenderRequest, callback: Any) -> dict[str, Any]:
        import torch

        arguments: dict[str, Any] = {
            "prompt": request.prompt,
            "negative_prompt": request.negative_prompt or None,
            "width": request.width,
            "height": request.height,
            "num_inference_steps": request.steps,
            "guidance_scale": request.guidance,
            "generator": torch.Generator("cpu").manual_seed(request.seed),
            "output_type": "pil",
            "callback_on_step_end": callback,
        }
        if self.ip_adapter:
            arguments.update(self._ip_adapter_arguments(request))
        return arguments

    def _ip_adapter_arguments(self, request: RenderRequest) -> dict[str, Any]:
        import torch

        references = self.ip_adapter_references(request)
        if references:
            self._pipeline.set_ip_adapter_scale(1.0)
            return {"ip_adapter_image": [[_decode(reference) for reference in references]]}
        # Without references the adapter still needs embeddings: zeros at scale 0 leave the base model.
        self._pipeline.set_ip_adapter_scale(0.0)
        width = self._pipeline.image_encoder.config.projection_dim
        copies = 2 if request.guidance > 1 else 1
        return {"ip_adapter_image_embeds": [torch.zeros(copies, 1, width, device=self.device)]}


def pipeline_makes_clips(pipeline_class: type) -> bool:
    """Return whether a diffusers pipeline class renders frames (its call takes `num_frames`)."""
    return "num_frames" in inspect.signature(pipeline_class.__call__).parameters


def folder_clip_frames(folder: Path) -> int:
    """Return how many frames the pipeline in a model folder can render at once, read from its configs (no
    weights): 0 for a still-only pipeline, a motion adapter's `motion_max_seq_length` for AnimateDiff."""
    import diffusers

    folder = Path(folder)
    try:
        index = json.loads((folder / "model_index.json").read_text())
        if not pipeline_makes_clips(getattr(diffusers, index["_class_name"])):
            return 0
        adapter = folder / "motion_adapter" / "config.json"
        # The motion modules' position embeddings end there: more frames fail inside the UNet.
        return int(json.loads(adapter.read_text())["motion_max_seq_length"]) if adapter.is_file() else MAX_CLIP_FRAMES
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ModelFolderError(f"model folder {str(folder)!r} cannot be described: {error}") from None


def describe_folder(folder: Path, *, device: str, threads: int) -> dict[str, Any]:
    """Return what `DiffusersBackend(folder, ...).describe()` returns, without loading the weights.

    The web process describes a model in every manifest it builds, but renders nothing: reading the
    pipeline's index, its scheduler (a small config) and the weights' fingerprint is enough, where
    loading the pipeline would hold gigabytes of weights in the web process. The pipeline loads in
    its default dtype (float32) and takes the IP-Adapter when its weights are in the folder.
    """
    import diffusers

    folder = Path(folder)
    index_path = folder / "model_index.json"
    if not index_path.is_file():
        raise ModelFolderError(f"model folder {str(folder)!r} has no model_index.json")
    try:
        index = json.loads(index_path.read_text())
        scheduler_class = getattr(diffusers, index["scheduler"][1])
        scheduler = scheduler_class.from_pretrained(str(folder), subfolder="scheduler", local_files_only=True)
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        raise ModelFolderError(f"model folder {str(folder)!r} cannot be described: {error}") from None
    ip_adapter = (folder / IP_ADAPTER_SUBFOLDER / IP_ADAPTER_WEIGHT_NAME).is_file()
    return _description(fingerprint=model_fingerprint(folder), pipeline=index["_class_name"], scheduler=scheduler,
                        dtype="float32", device=device, threads=threads, ip_adapter=ip_adapter)


def _description(
    *, fingerprint: str, pipeline: str, scheduler: Any, dtype: str, device: str, threads: int, ip_adapter: bool,
) -> dict[str, Any]:
    return {
        "backend": DiffusersBackend.name,
        "fingerprint": fingerprint,
        "pipeline": pipeline,
        "scheduler": {"class": type(scheduler).__name__, "config": _plain_config(scheduler.config)},
        "dtype": dtype,
        "device": device,
        "threads": threads,
        "ip_adapter": ip_adapter,
        "references": (
            f"ip_adapter: {IP_ADAPTER_ROLE} references (by role or kind), else all references"
            if ip_adapter
            else "manifest only: this model has no IP-Adapter"
        ),
    }


def _load_pipeline(folder: Path, *, device: str, threads: int) -> Any:
    # huggingface_hub reads this when first imported; local_files_only covers a late import.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from diffusers import DiffusionPipeline

    if not (folder / "model_index.json").is_file():
        raise ModelFolderError(f"model folder {str(folder)!r} has no model_index.json")
    torch.set_num_threads(threads)
    try:
        pipeline = DiffusionPipeline.from_pretrained(str(folder), local_files_only=True)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, ImportError, RuntimeError) as error:
        raise ModelFolderError(f"model folder {str(folder)!r} cannot be loaded: {error}") from None
    pipeline.set_progress_bar_config(disable=True)
    try:
        return pipeline.to(device)
    except (RuntimeError, AssertionError) as error:
        raise BackendError(f"cannot move the pipeline to {device!r}: {error}") from None


def _load_ip_adapter(pipeline: Any, folder: Path) -> bool:
    if not (folder / IP_ADAPTER_SUBFOLDER / IP_ADAPTER_WEIGHT_NAME).is_file():
        return False
    if not hasattr(pipeline, "load_ip_adapter"):
        raise ModelFolderError(f"{type(pipeline).__name__} cannot use the IP-Adapter in {str(folder)!r}")
    try:
        pipeline.load_ip_adapter(
            str(folder),
            subfolder=IP_ADAPTER_SUBFOLDER,
            weight_name=IP_ADAPTER_WEIGHT_NAME,
            image_encoder_folder=IMAGE_ENCODER_FOLDER,
            local_files_only=True,
        )
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        raise ModelFolderError(f"IP-Adapter in {str(folder)!r} cannot be loaded: {error}") from None
    return True


def _step_callback(progress: ProgressCallback | None, cancelled: CancelledCallback | None) -> Any:
    """Return a diffusers `callback_on_step_end` that reports progress and honours cancellation."""

    def on_step_end(pipeline: Any, step: int, timestep: Any, tensors: dict[str, Any]) -> dict[str, Any]:
        if progress is not None:
            progress(step + 1, pipeline.num_timesteps)
        if cancelled is not None and cancelled():
            raise RenderCancelled(f"render cancelled after step {step + 1}")
        return tensors

    return on_step_end


def _decode(reference: Reference) -> Image.Image:
    try:
        with Image.open(io.BytesIO(reference.image)) as image:
            return image.convert("RGB")
    except (UnidentifiedImageError, OSError) as error:
        raise BackendError(f"reference {reference.name!r} is not a readable image: {error}") from None


def _plain_config(config: Any) -> dict[str, Any]:
    """Return a scheduler config as JSON-ready values, without diffusers' private keys."""
    plain: dict[str, Any] = {}
    for key, value in dict(config).items():
        if key.startswith("_"):
            continue
        plain[key] = list(value) if isinstance(value, tuple) else value
    return plain
