"""Asset library errors."""

from __future__ import annotations

from config.errors import Conflict, InvalidInput, RuleViolation, TooLarge


class AssetVersionConflict(Conflict):
    """Raised when a new version is based on a version that is no longer the latest."""

    code = "stale_version"

    def __init__(self, asset_id: str, expected: int, current: int) -> None:
        super().__init__(
            f"Asset {asset_id} is at version {current}, not {expected}: reload and try again.",
            extra={"current_version": current, "expected_version": expected},
        )


class InvalidTransition(RuleViolation):
    """Raised when a version's status does not allow the requested review step."""

    code = "invalid_transition"


class InvalidPin(InvalidInput):
    """Raised when a component or derived_from pin names an unknown, foreign or cyclic version."""

    code = "invalid_pin"


class InvalidImage(InvalidInput):
    """Raised when an upload is not a valid PNG, JPEG or WebP image, or is a decompression bomb."""

    code = "invalid_image"


class BlobTooLarge(TooLarge):
    """Raised when an upload exceeds settings.BLOB_MAX_BYTES."""

    code = "blob_too_large"
