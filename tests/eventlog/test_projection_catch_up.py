from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

import eventlog
from eventlog.models import ProjectionCheckpoint
from studios.models import Membership, Studio

pytestmark = pytest.mark.django_db


def test_a_projection_that_never_ran_is_built_from_the_whole_log_after_migrate(studio, member):
    # given a studio with a member, and the studios projection as if it were added in a later release
    member("bea", "viewer")
    ProjectionCheckpoint.objects.filter(name="studios").delete()
    Membership.objects.all().delete()
    Studio.objects.all().delete()
    # when migrate runs (its post_migrate hook catches projections up)
    call_command("migrate", verbosity=0)
    # then the projection holds the whole history and has a checkpoint at the head
    assert sorted(Membership.objects.values_list("role", flat=True)) == ["admin", "viewer"]
    assert Studio.objects.get().name == "Harbour Films"
    assert ProjectionCheckpoint.objects.get(name="studios").position == eventlog.head_position()


def test_catching_up_leaves_projections_that_already_ran_alone(studio):
    # given every projection has run (the test database was migrated)
    eventlog.catch_up_projections()
    # when
    rebuilt = eventlog.catch_up_projections()
    # then
    assert rebuilt == []


def test_every_event_type_a_projection_handles_has_its_class_registered_once_django_has_started():
    # given: a fresh process that only sets Django up, as a replay from the command line does
    script = ("import django; django.setup(); from eventlog import projections; "
              "from eventlog.events import event_class; "
              "[event_class(t) for p in projections.registered() for t in p.handlers]; print('ok')")
    # when
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2], env=env,
                          capture_output=True, text=True)
    # then
    assert (done.returncode, done.stdout) == (0, "ok\n"), done.stderr[-2000:]
