"""Studio errors."""

from __future__ import annotations

from config.errors import Conflict


class MemberExists(Conflict):
    """Raised when a user is added to a studio they already belong to."""

    code = "member_exists"
