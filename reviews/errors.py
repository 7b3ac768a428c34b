"""Cut approval errors."""

from __future__ import annotations

from config.errors import RuleViolation


class CutOutdated(RuleViolation):
    """Raised when a cut is approved while one of its shots has moved on to a later revision."""

    code = "cut_outdated"


class CutNotRendered(RuleViolation):
    """Raised when a cut is approved before each of its shot revisions has a succeeded render."""

    code = "cut_not_rendered"
