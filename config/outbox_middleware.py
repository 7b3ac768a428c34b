"""Run the outbox dispatcher (and the lease sweep) in every worker process, in-process workers too."""

from __future__ import annotations

import dramatiq


class RunOutboxDispatcher(dramatiq.Middleware):
    """Start this process's outbox dispatcher when its worker boots; stop it when the worker stops."""

    # config.outbox is imported late: django-dramatiq builds the broker and its middleware before models load.
    def after_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        from config import outbox

        outbox.start()

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        from config import outbox

        outbox.stop()
