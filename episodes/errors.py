"""Episode, shot and cut errors."""

from __future__ import annotations

from config.errors import Conflict, InvalidInput, RuleViolation


class InvalidShot(InvalidInput):
    """Raised when a shot's fields are malformed or out of bounds (sizes, steps, seed…)."""

    code = "invalid_shot"


class InvalidCast(InvalidInput):
    """Raised when a cast pin names an unknown asset or version, or one of another studio."""

    code = "invalid_pin"


class UnusablePin(RuleViolation):
    """Raised when a pin names a rejected or retired version, or "approved" for an asset with none."""

    code = "unusable_pin"


class UnknownModel(InvalidInput):
    """Raised when a shot names a render model that does not exist in the episode's studio."""

    code = "unknown_model"


class StaleRevision(Conflict):
    """Raised when a shot is revised from a revision that is no longer its current one."""

    code = "stale_revision"

    def __init__(self, shot_id: str, expected: int, current: int) -> None:
        super().__init__(
            f"Shot {shot_id} is at revision {current}, not {expected}: reload it and revise again.",
            extra={"current_version": current, "expected_version": expected},
        )


class EpisodeNumberTaken(InvalidInput):
    """Raised when an episode number is already used in its series."""

    code = "episode_number_taken"


class EmptyEpisode(RuleViolation):
    """Raised when an episode without shots is locked."""

    code = "empty_episode"
