"""Production settings (DEBUG=0) refuse to start with the insecure development defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETUP = "import django; django.setup(); print('started')"


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    """Run `django.setup()` in a fresh interpreter with only the given settings in the environment."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "DATABASE_URL"}}
    return subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**keep, "DJANGO_SETTINGS_MODULE": "config.settings", **env})


def test_production_without_a_secret_key_refuses_to_start_with_a_clear_message():
    # when
    result = _start(DEBUG="0", ALLOWED_HOSTS="continuity.example")
    # then
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG=0 needs SECRET_KEY set to a random string of 32+ characters." in result.stderr


def test_production_with_the_development_key_or_a_short_one_refuses_to_start():
    # when
    insecure = _start(DEBUG="0", ALLOWED_HOSTS="continuity.example", SECRET_KEY="insecure-dev-key-change-me")
    short = _start(DEBUG="0", ALLOWED_HOSTS="continuity.example", SECRET_KEY="too-short")
    # then
    for result in (insecure, short):
        assert result.returncode != 0
        assert "DEBUG=0 needs SECRET_KEY" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    # when
    result = _start(DEBUG="0", SECRET_KEY="k" * 50)
    # then
    assert result.returncode != 0
    assert "DEBUG=0 needs ALLOWED_HOSTS set explicitly." in result.stderr


def test_production_with_a_real_key_and_hosts_starts():
    # when
    result = _start(DEBUG="0", SECRET_KEY="a-long-random-production-secret-0123456789", ALLOWED_HOSTS="x.example")
    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"
