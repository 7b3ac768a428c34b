"""What every render backend accepts and returns, and the errors it raises."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PIL.Image import Image

ProgressCallback = Callable[[int, int], None]
CancelledCallback = Callable[[], bool]
FrameCallback = Callable[["Image"], None]


class BackendError(Exception):
    """Raised when a backend cannot load or render."""


class ModelFolderError(BackendError):
    """Raised when a model folder is missing or does not hold loadable weights (permanent)."""


class RenderCancelled(BackendError):
    """Raised when a render is cancelled between steps."""


@dataclass(frozen=True)
class Reference:
    """One reference image handed to a render, with the asset role and kind it stands for."""

    role: str
    kind: str
    name: str
    sha256: str
    image: bytes

    def __post_init__(self) -> None:
        if hashlib.sha256(self.image).hexdigest() != self.sha256:
            raise ValueError(f"reference {self.name!r}: sha256 does not match the image bytes")

    def manifest(self) -> dict[str, str]:
        """Return the reference as manifest fields, without the image bytes."""
        return {"role": self.role, "kind": self.kind, "name": self.name, "sha256": self.sha256}


@dataclass(frozen=True)
class RenderRequest:
    """Everything a backend needs to render one shot."""

    prompt: str
    negative_prompt: str
    seed: int
    width: int
    height: int
    steps: int
    guidance: float
    title: str
    references: tuple[Reference, ...] = ()
    # A clip (frames > 1): how many frames, how fast, and the camera notes previz moves by.
    frames: int = 1
    fps: int = 24
    camera: str = ""

    @property
    def is_clip(self) -> bool:
        """Return whether the request asks for more than one frame."""
        return self.frames > 1

    def manifest(self) -> dict[str, Any]:
        """Return the request as manifest fields, references by hash only (a clip's frames, fps and camera too)."""
        clip = {"frames": self.frames, "fps": self.fps, "camera": self.camera} if self.is_clip else {}
        return {**clip,
            "prompt": self.prompt,
            "negative_prompt": self.negative_prompt,
            "seed": self.seed,
            "width": self.width,
            "height": self.height,
            "steps": self.steps,
            "guidance": self.guidance,
            "title": self.title,
            "references": [reference.manifest() for reference in self.references],
        }


class Backend(Protocol):
    """A loaded model that turns render requests into images."""

    name: str

    def describe(self) -> dict[str, Any]:
        """Return everything about the model that belongs in a render manifest."""
        ...

    def render(
        self,
        request: RenderRequest,
        *,
        progress: ProgressCallback | None = None,
        cancelled: CancelledCallback | None = None,
    ) -> Image:
        """Render `request`, reporting (step, total) and raising RenderCancelled when asked to stop."""
        ...


class ClipBackend(Backend, Protocol):
    """A backend that also renders clips: `request.frames` frames, handed over one at a time, in order."""

    def render_frames(
        self,
        request: RenderRequest,
        on_frame: FrameCallback,
        *,
        progress: ProgressCallback | None = None,
        cancelled: CancelledCallback | None = None,
    ) -> None:
        """Render the clip of `request`, calling `on_frame` with each frame (the caller encodes and may
        cancel between frames: `on_frame` may raise RenderCancelled)."""
        ...
