"""Register model versions: a weights folder under MODEL_ROOTS (fingerprinted by its tensors) or previz."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings

import eventlog
from config.errors import InvalidInput, NotFound
from config.types import Actor
from eventlog.canonical import canonical_hash
from generation.backends import ModelFolderError, load_backend
from generation.backends.fingerprint import model_fingerprint
from generation.errors import ModelPathInvalid
from generation.events import ModelRegistered, model_stream
from generation.models import Backend, RenderModel
from studios.access import authorize
from studios.models import Studio


def model_register(*, actor: Actor, studio_id: str, name: str, backend: str, path: str | None = None) -> RenderModel:
    """Register a model version (same name + same fingerprint returns the existing version)."""
    return model_register_or_get(actor=actor, studio_id=studio_id, name=name, backend=backend, path=path)[0]


def model_register_or_get(
    *, actor: Actor, studio_id: str, name: str, backend: str, path: str | None = None
) -> tuple[RenderModel, bool]:
    """Register a model version; return it and whether it is new (False: same fingerprint was registered)."""
    _studio_exists(studio_id)
    authorize(actor, studio_id, "model.register")
    name = _clean_name(name)
    folder, fingerprint = _fingerprint(backend, path)
    versions = list(RenderModel.objects.filter(studio_id=studio_id, name=name).order_by("version"))
    for existing in versions:
        if existing.fingerprint == fingerprint and existing.backend == backend:
            return existing, False
    model_id = str(uuid.uuid4())
    event = ModelRegistered(
        model_id=model_id, studio_id=str(studio_id), name=name, version=len(versions) + 1, backend=backend,
        path=str(folder or ""), fingerprint=fingerprint, created_by=actor.username,
    )
    # The version count is the stream version: two racing registrations of one name get a 409.
    eventlog.append(model_stream(str(studio_id), name), [event], expected_version=len(versions),
                    actor=actor, studio_id=studio_id)
    return RenderModel.objects.get(pk=model_id), True


def previz_fingerprint() -> str:
    """Return the fingerprint of the previz backend: a hash of its describe()."""
    return canonical_hash(load_backend("previz", None).describe())


def resolve_model_path(path: str) -> Path:
    """Resolve a model path (absolute, or relative to a root) to a folder under one of MODEL_ROOTS."""
    roots = [Path(root).expanduser().resolve() for root in settings.MODEL_ROOTS]
    raw = Path(path).expanduser()
    candidates = [raw] if raw.is_absolute() else [root / raw for root in roots]
    for candidate in candidates:
        # resolve() follows symlinks, so a link inside a root that points outside it is refused.
        resolved = candidate.resolve()
        if any(resolved.is_relative_to(root) for root in roots) and resolved.is_dir():
            return resolved
    if any(not any(c.resolve().is_relative_to(root) for root in roots) for c in candidates):
        raise ModelPathInvalid("The model path must be a folder under one of the configured MODEL_ROOTS.",
                               fields={"path": ["Outside MODEL_ROOTS."]})
    raise ModelPathInvalid("The model path is not an existing folder.", fields={"path": ["No such folder."]})


def _fingerprint(backend: str, path: str | None) -> tuple[Path | None, str]:
    if backend == Backend.PREVIZ:
        if path:
            raise InvalidInput("The previz backend takes no path.", fields={"path": ["Must be empty for previz."]})
        return None, previz_fingerprint()
    if backend != Backend.DIFFUSERS:
        raise InvalidInput(f"Unknown backend {backend!r}.", fields={"backend": ["One of diffusers, previz."]})
    if not path:
        raise InvalidInput("The diffusers backend needs a model folder path.", fields={"path": ["Required."]})
    folder = resolve_model_path(path)
    if not (folder / "model_index.json").is_file():
        raise ModelPathInvalid("The folder holds no diffusers pipeline (model_index.json is missing).",
                               fields={"path": ["Not a diffusers pipeline folder."]})
    try:
        return folder, model_fingerprint(folder)
    except ModelFolderError as error:
        raise ModelPathInvalid(f"The model folder cannot be read: {error}", fields={"path": [str(error)]}) from None


def _studio_exists(studio_id: str) -> None:
    try:
        found = Studio.objects.filter(pk=uuid.UUID(str(studio_id))).exists()
    except ValueError:
        found = False
    if not found:
        raise NotFound("Not found.")


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidInput("A model needs a name of 1 to 200 characters.", fields={"name": ["1 to 200 characters."]})
    return name
