from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

import eventlog

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_throttle():
    """Start and end with empty throttle history (it lives in the process-wide cache)."""
    cache.clear()
    yield
    cache.clear()


def _login_limit() -> int:
    throttle = ScopedRateThrottle()
    throttle.scope = "login"
    limit, _seconds = throttle.parse_rate(throttle.get_rate())
    return limit


def test_login_attempts_are_throttled_with_the_error_body(fresh_throttle, make_user):
    # given
    make_user("ada")
    client = APIClient()
    limit = _login_limit()
    attempts = [client.post("/api/auth/token/", {"username": "ada", "password": "wrong-guess"}, format="json")
                for _ in range(limit)]

    # when
    blocked = client.post("/api/auth/token/", {"username": "ada", "password": "correct-horse-9"}, format="json")

    # then
    assert [a.status_code for a in attempts] == [401] * limit
    assert blocked.status_code == 429
    body = blocked.json()
    assert body["code"] == "throttled"
    assert body["message"].startswith("Request was throttled.")
    assert set(body["extra"]) == {"retry_after"}
    assert 0 < body["extra"]["retry_after"] <= 60
    assert blocked["Retry-After"] == str(body["extra"]["retry_after"])


def test_the_login_throttle_is_per_client_address(fresh_throttle, make_user):
    # given
    make_user("ada")
    client = APIClient()
    for _ in range(_login_limit()):
        client.post("/api/auth/token/", {"username": "ada", "password": "wrong"}, format="json", REMOTE_ADDR="10.0.0.1")

    # when
    elsewhere = client.post("/api/auth/token/", {"username": "ada", "password": "correct-horse-9"}, format="json",
                            REMOTE_ADDR="10.0.0.2")

    # then
    assert elsewhere.status_code == 200
    assert set(elsewhere.json()) == {"token"}


def test_session_authenticated_writes_need_the_csrf_token(make_user, no_new_events):
    # given
    make_user("ada")
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="ada", password="correct-horse-9")

    # when
    with no_new_events():
        refused = client.post("/api/studios/", {"name": "Gull Island"}, format="json")

    # then
    assert refused.status_code == 403
    assert refused.json() == {"code": "forbidden", "message": "CSRF Failed: CSRF cookie not set.", "extra": {}}


def test_session_authenticated_writes_with_the_csrf_token_succeed(make_user):
    # given
    make_user("ada")
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="ada", password="correct-horse-9")
    client.get("/admin/login/")  # a Django page that sets the CSRF cookie
    token = client.cookies["csrftoken"].value

    # when
    accepted = client.post("/api/studios/", {"name": "Gull Island"}, format="json", HTTP_X_CSRFTOKEN=token)

    # then
    assert accepted.status_code == 201
    assert eventlog.read_after(0)[0].type == "StudioCreated"


def test_token_authenticated_writes_need_no_csrf_token(make_user):
    # given
    from rest_framework.authtoken.models import Token

    user = make_user("ada")
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    # when
    response = client.post("/api/studios/", {"name": "Gull Island"}, format="json")

    # then
    assert response.status_code == 201


@pytest.mark.parametrize("url", ["/api/health/", "/api/studios/", "/admin/login/"])
def test_responses_carry_the_security_headers(client, url):
    # when
    response = client.get(url)

    # then
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]


@pytest.mark.parametrize(("method", "url"), [
    ("get", "/api/studios/"), ("post", "/api/studios/"), ("get", "/api/events/"), ("get", "/api/rights/"),
    ("post", "/api/rights/"),
])
def test_unauthenticated_requests_are_a_401_with_the_error_body(method, url, no_new_events):
    # given
    client = APIClient()

    # when
    with no_new_events():
        response = getattr(client, method)(url, {}, format="json")

    # then
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated",
                               "message": "Authentication credentials were not provided.", "extra": {}}
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_a_401_with_the_error_body():
    # given
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    # when
    response = client.get("/api/studios/")

    # then
    assert response.status_code == 401
    assert response.json() == {"code": "authentication_failed", "message": "Invalid token.", "extra": {}}
