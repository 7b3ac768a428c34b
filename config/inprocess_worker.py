"""The embedded single-machine worker: a real dramatiq.Worker in the web process on the StubBroker."""

from __future__ import annotations

import importlib
import logging

import dramatiq
from django.apps import apps
from dramatiq.brokers.stub import StubBroker

logger = logging.getLogger(__name__)


def import_actors() -> None:
    """Import every app's `tasks` module so its actors are declared on the broker."""
    for config in apps.get_app_configs():
        try:
            importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tasks":
                raise


def start_inprocess_worker(threads: int = 1) -> dramatiq.Worker | None:
    """Start a worker thread when the broker is in-process; return None for a real broker."""
    broker = dramatiq.get_broker()
    if not isinstance(broker, StubBroker):
        return None
    import_actors()
    # Without process_boot the TimeLimit middleware never starts its timer thread.
    broker.emit_after("process_boot")
    worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=100)
    worker.start()
    logger.info("in-process worker started with %d thread(s)", threads)
    return worker
