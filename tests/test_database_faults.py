"""Lost database connections and outages answer without a 500 or a hang (issue 20, item 3).

The connections killed here are this test database's own (`pg_terminate_backend` on
test_<name>); the PostgreSQL server itself is never stopped. An outage is a database at a port
where nothing listens, in a process of its own.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from rest_framework.authtoken.models import Token

import eventlog
from tests.threads import in_thread

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's connections are killed")
ROOT = Path(__file__).resolve().parent.parent


def _terminate_other_connections() -> int:
    """Kill every other connection to this test database (the pool's idle ones, the test's own); return how many."""
    params = connection.settings_dict
    with psycopg.connect(dbname=params["NAME"], host=params["HOST"] or None, port=params["PORT"] or None,
                         user=params["USER"] or None, password=params["PASSWORD"] or None, autocommit=True) as killer:
        others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        killed = killer.execute(f"SELECT count(pg_terminate_backend(pid)) {others}").fetchone()[0]  # noqa: S608
        for _ in range(100):  # pg_terminate_backend only signals: wait until they are gone
            if killer.execute(f"SELECT count(*) {others}").fetchone()[0] == 0:  # noqa: S608
                break
            time.sleep(0.02)
    return killed


def _serve(method: str, path: str, token: str, body: bytes = b"") -> Any:
    """Answer one request the way gunicorn does: Django's WSGI handler, with its request signals.

    (The test client keeps one connection for the whole test; a server takes one from the pool per request.)
    """
    environ = RequestFactory()._base_environ(REQUEST_METHOD=method, PATH_INFO=path, CONTENT_TYPE="application/json",
                                             CONTENT_LENGTH=str(len(body)), HTTP_AUTHORIZATION=f"Token {token}")
    environ["wsgi.input"] = io.BytesIO(body)
    status: list[str] = []
    response = WSGIHandler()(environ, lambda s, headers: status.append(s))
    content = b"".join(response)
    response.close()  # request_finished: the connection goes back to the pool
    return int(status[0].split()[0]), json.loads(content) if content else None


def _grow_the_pool(connections_in_use: int) -> None:
    """Have several threads hold a connection at once, so the pool keeps that many idle afterwards."""
    all_in = threading.Barrier(connections_in_use, timeout=10)

    def hold() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        all_in.wait()

    runs = [in_thread(hold) for _ in range(connections_in_use)]
    for thread, _ in runs:
        thread.join(20)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_pooled_connections_killed_while_idle_do_not_fail_the_next_request(admin_user, studio):
    # given: the pool holds several idle connections, and PostgreSQL dropped them all (as a restart does)
    token = Token.objects.create(user=admin_user).key
    assert _serve("GET", "/api/studios/", token)[0] == 200
    _grow_the_pool(6)
    assert _terminate_other_connections() >= 6
    # when: a write, which no retry may repeat, so only the pool's check can save it
    started = time.monotonic()
    status, body = _serve("POST", "/api/studios/", token, b'{"name": "Gull Island"}')
    # then: answered, after at most one of the pool's pauses rather than one per dead connection
    assert (status, body["name"]) == (201, "Gull Island")
    assert time.monotonic() - started < 5
    assert _serve("GET", "/api/studios/", token)[0] == 200


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_read_whose_connection_dies_reads_again_on_a_fresh_one(api, studio):
    # given: the connection this client's requests use is killed between two requests
    assert api.get("/api/studios/").status_code == 200
    _terminate_other_connections()
    # when
    response = api.get("/api/studios/")
    # then
    assert response.status_code == 200
    assert [s["name"] for s in response.json()["results"]] == ["Harbour Films"]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_write_whose_connection_dies_is_503_not_500_and_appends_nothing(api, studio):
    # given
    assert api.get("/api/studios/").status_code == 200
    before = eventlog.head_position()
    _terminate_other_connections()
    # when
    response = api.post("/api/studios/", {"name": "Gull Island"}, format="json")
    # then
    assert response.status_code == 503
    assert response.json() == {"code": "database_unavailable",
                               "message": "The database is not answering; try again shortly.", "extra": {}}
    assert response["Retry-After"] == "5"
    assert eventlog.head_position() == before


_HEALTH_DURING_OUTAGE = """
import json, time, django
django.setup()
from django.test import Client
from django.urls import resolve
resolve("/api/health/")  # load the URLconf first, as a running server already has
started = time.monotonic()
response = Client().get("/api/health/")
print(json.dumps({"status": response.status_code, "body": response.json(), "seconds": time.monotonic() - started}))
"""


def test_health_answers_503_naming_what_is_down_within_2_seconds_during_an_outage(tmp_path):
    # given: a pooled PostgreSQL and a Redis broker at ports where nothing listens
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings", "CONTINUITY_VAR_DIR": str(tmp_path),
           "DATABASE_URL": "postgres://postgres@127.0.0.1:9/continuity", "DRAMATIQ_BROKER_URL": "redis://127.0.0.1:9/0"}
    # when
    run = subprocess.run([sys.executable, "-c", _HEALTH_DURING_OUTAGE], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60, check=True)
    # then
    answer = json.loads(run.stdout.strip().splitlines()[-1])
    assert answer["seconds"] < 2
    assert answer["status"] == 503
    body = answer["body"]
    assert (body["code"], body["message"]) == ("unhealthy", "Not answering: broker, database.")
    assert body["extra"]["down"] == ["broker", "database"]
    assert body["extra"]["database"] == "error: timeout"
    assert body["extra"]["broker"].startswith("error: ")
