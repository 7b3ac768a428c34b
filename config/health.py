"""Health check: answers 200 once the database and the broker both answer, 503 naming what does not,
and lists the optional parts (a missing one makes only its own feature answer 503).

Each probe runs in a thread of its own and the answer waits for them at most HEALTH_TIMEOUT: during
an outage a probe can hang (the pool waits for a connection, a socket for a silent host), and a
health check that hangs is no health check. A probe still running then is reported as a timeout.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection, connections
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.graphviz_program import graphviz_status


def database_status() -> str:
    """Return the database vendor after a round trip, or raise."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def broker_status() -> str:
    """Return the broker kind after a round trip where it has one, or raise."""
    import dramatiq
    from dramatiq.brokers.rabbitmq import RabbitmqBroker
    from dramatiq.brokers.redis import RedisBroker

    broker = dramatiq.get_broker()
    if isinstance(broker, RedisBroker):
        broker.client.ping()
        return "redis"
    if isinstance(broker, RabbitmqBroker):
        broker.connection  # noqa: B018  (opens the AMQP connection or raises)
        return "rabbitmq"
    return "in-process"


def probe_all(probes: dict[str, Callable[[], str]], timeout: float) -> dict[str, str]:
    """Run the probes at once; return each one's answer, "error: …" for one that failed or had not answered."""
    answers: dict[str, str | None] = dict.fromkeys(probes)

    def run(part: str, probe: Callable[[], str]) -> None:
        try:
            answers[part] = probe()
        except Exception as exc:  # a health check reports any failure instead of raising it
            answers[part] = f"error: {exc.__class__.__name__}"
        finally:
            connections.close_all()  # this thread's own connections, back to the pool

    threads = [threading.Thread(target=run, args=item, daemon=True) for item in probes.items()]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {part: answers[part] or "error: timeout" for part in probes}


class HealthApi(APIView):
    """Report whether the database and the broker answer, and which optional parts are installed."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: dict, 503: dict})
    def get(self, request: Request) -> Response:
        answers = probe_all({"database": database_status, "broker": broker_status}, settings.HEALTH_TIMEOUT)
        down = sorted(part for part, answer in answers.items() if answer.startswith("error"))
        optional = {"graph_svg": graphviz_status()}
        if down:
            return Response({"code": "unhealthy", "message": f"Not answering: {', '.join(down)}.",
                             "extra": {"status": "unhealthy", **answers, "down": down, "optional": optional}},
                            status=503)
        return Response({"status": "ok", **answers, "optional": optional})
