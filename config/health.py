"""Health check: answers 200 once the database and the broker both answer, and lists the optional parts."""

from __future__ import annotations

from typing import Any

from django.db import connection
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


class HealthApi(APIView):
    """Report whether the database and the broker answer, and which optional parts are installed."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: dict, 503: dict})
    def get(self, request: Request) -> Response:
        body: dict[str, Any] = {"status": "ok"}
        healthy = True
        for part, probe in (("database", database_status), ("broker", broker_status)):
            try:
                body[part] = probe()
            except Exception as exc:  # a health check reports any failure instead of raising it
                body[part], healthy = f"error: {exc.__class__.__name__}", False
        # A missing optional part makes only its own feature answer 503, so the service stays healthy.
        body["optional"] = {"graph_svg": graphviz_status()}
        if not healthy:
            return Response({"code": "unhealthy", "message": "A dependency does not answer.", "extra": body},
                            status=503)
        return Response(body)
