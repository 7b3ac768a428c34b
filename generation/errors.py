"""Generation errors: refusals of the API and the failures a render worker tells apart."""

from __future__ import annotations

from config.errors import InvalidInput, RuleViolation


class ModelPathInvalid(InvalidInput):
    """Raised when a model path is outside MODEL_ROOTS or is not a loadable weights folder."""

    code = "invalid_model_path"


class UnapprovedPin(RuleViolation):
    """Raised when a shot to render pins an asset version that is not approved."""

    code = "unapproved_pin"


class UnlicensedPin(RuleViolation):
    """Raised when a pinned asset version lacks rights covering the episode's distribution targets."""

    code = "unlicensed_pin"


class ModelUnavailable(RuleViolation):
    """Raised when a shot names a model that is not registered in its studio."""

    code = "model_unavailable"


class NothingToRender(RuleViolation):
    """Raised when an episode, cut or plan has no shots (or no recorded renders) to work on."""

    code = "nothing_to_render"


class JobFinishedAlready(RuleViolation):
    """Raised when a finished job is cancelled."""

    code = "job_finished"


class PlanNotApproved(RuleViolation):
    """Raised when an unapproved re-render plan is executed."""

    code = "plan_not_approved"


class PlanState(RuleViolation):
    """Raised when a plan is approved twice, or executed twice."""

    code = "plan_state"


class PermanentRenderError(Exception):
    """Raised by a worker when retrying cannot help: missing weights, changed fingerprint, invalid manifest."""
