"""A database made by the release before `eventlog/` became its own app upgrades in place with `migrate`.

The fixtures are dumps of databases that release made (`manage.py demo`, then a render of episode 1):
they are loaded into a fresh database, migrated by this code in a separate process, then verified
and replayed, and a new event still chains onto the old head.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

FIXTURES = Path(__file__).parent / "previous_main"
ROOT = Path(__file__).resolve().parents[2]


def _manage(database_url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "DEMO": "0"}
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def previous_database(tmp_path):
    """Load the previous release's dump into a new database of the suite's kind; return its URL."""
    if connection.vendor == "sqlite":
        path = tmp_path / "previous.sqlite3"
        with sqlite3.connect(path) as made:
            made.executescript((FIXTURES / "sqlite.sql").read_text())
        yield f"sqlite:///{path}"
        return
    name = f"previous_{uuid.uuid4().hex[:8]}"
    db = settings.DATABASES["default"]
    server = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", f"{server}/{name}"], check=True, text=True,
                       input=(FIXTURES / "postgresql.sql").read_text(), capture_output=True)
        yield f"{server}/{name}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_database_made_by_the_previous_release_migrates_verifies_and_replays(previous_database):
    # when
    migrated = _manage(previous_database, "migrate", "--noinput")
    # then
    assert "Applying eventlog.0001_initial... OK" in migrated
    assert _manage(previous_database, "eventlog", "verify").startswith("ok: ")
    assert "equal a rebuild" in _manage(previous_database, "eventlog", "replay", "--check")
    _manage(previous_database, "shell", "-c",
            "from studios.services import studio_create; from django.contrib.auth.models import User; "
            "studio_create(actor=User.objects.get(username='demo-admin'), name='After the upgrade')")
    assert _manage(previous_database, "eventlog", "verify").startswith("ok: ")
