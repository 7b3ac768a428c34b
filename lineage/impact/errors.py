"""Lineage errors."""

from __future__ import annotations

from config.errors import InvalidInput, RuleViolation


class NoTargetVersion(RuleViolation):
    """Raised when impact is asked for an asset that has no approved version and no version was given."""

    code = "no_target_version"


class InvalidNode(InvalidInput):
    """Raised when a graph node reference is not "<type>:<id>" of a known node type."""

    code = "invalid_node"
