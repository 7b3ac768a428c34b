"""Fuzz every operation in /api/schema/ with schemathesis: no 5xx, and responses match the schema."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

# What the issue asks of the API: no 5xx, and every response (status, content type, body) as documented.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def one_connection() -> Iterator[None]:
    """Keep the test's connection (and so its transaction) across the generated requests, as Django's test
    client does: a served request otherwise closes a connection that is not in autocommit mode."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(studio: Any, admin_user: Any) -> str:
    """An admin of a real studio, so generated requests reach past authentication."""
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=admin_user)[0].key


# Generated requests per operation; FUZZ_EXAMPLES=200 for a deeper run than CI's.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_operation_answers_a_server_error_or_breaks_its_schema(case: Any, token: str, one_connection: None) -> None:
    # given a generated request, authenticated as a studio admin
    case.headers = {**(case.headers or {}), "Authorization": f"Token {token}"}
    # when / then: schemathesis checks status < 500 and that the response conforms to the schema
    case.call_and_validate(checks=CHECKS)
