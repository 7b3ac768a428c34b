"""Errors raised by the event log."""

from __future__ import annotations

from config.errors import Conflict, DomainError


class ConcurrencyError(Conflict):
    """Raised when an append's expected version is not the stream's current version."""

    code = "stale_version"

    def __init__(self, stream_id: str, expected: int, current: int) -> None:
        super().__init__(
            f"Stream {stream_id} is at version {current}, not {expected}: reload and try again.",
            extra={"current_version": current, "expected_version": expected},
        )
        self.stream_id = stream_id
        self.current = current


class UnknownEventType(DomainError):
    """Raised when a stored event's type has no registered event class."""

    code = "unknown_event_type"
    status = 500


class EventLogBusy(DomainError):
    """Raised when the append lock is not had within EVENTLOG_LOCK_TIMEOUT seconds (another append holds it)."""

    code = "event_log_busy"
    status = 503

    def __init__(self, waited: float) -> None:
        super().__init__(f"The event log is busy: no append slot within {waited:g} s. Try again shortly.",
                         extra={"waited_seconds": waited})
