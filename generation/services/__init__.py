"""Generation use cases: model registration, render/reproduce jobs, worker steps and re-render plans."""

from __future__ import annotations

from generation.services.jobs import episode_render, episode_reproduce, job_cancel, jobs_resume
from generation.services.plans import plan_approve, plan_create, plan_execute
from generation.services.registry import model_register, model_register_or_get, previz_fingerprint
from generation.services.worker import job_item_fail, job_item_run

__all__ = [
    "episode_render", "episode_reproduce", "job_cancel", "job_item_fail", "job_item_run", "jobs_resume",
    "model_register", "model_register_or_get", "plan_approve", "plan_create", "plan_execute", "previz_fingerprint",
]
