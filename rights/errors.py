"""Rights errors."""

from __future__ import annotations

from config.errors import InvalidInput, RuleViolation


class RightsTerminatedError(RuleViolation):
    """Raised when a terminated rights record is asked to change."""

    code = "rights_terminated"


class RightsStatusError(RuleViolation):
    """Raised when a suspend or reinstate does not fit the record's current status."""

    code = "rights_status"


class ExclusivityConflict(RuleViolation):
    """Raised when a grant would overlap another licensee's exclusive rights (or vice versa)."""

    code = "exclusivity_conflict"


class NothingToAmend(InvalidInput):
    """Raised when an amendment changes no term."""

    code = "nothing_to_amend"
