"""Studio errors."""

from __future__ import annotations

from config.errors import Conflict, RuleViolation


class MemberExists(Conflict):
    """Raised when a user is added to a studio they already belong to."""

    code = "member_exists"


class LastAdmin(RuleViolation):
    """Raised when removing or demoting a member would leave a studio without an admin."""

    code = "last_admin"
