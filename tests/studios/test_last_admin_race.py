"""Two admins demoting each other at the same moment cannot leave a studio without an admin."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

import eventlog.store
from studios.models import Membership
from studios.services import member_role_change
from tests.threads import in_thread

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]


def test_two_admins_demoting_each_other_at_once_leave_one_admin(studio, admin_user, member, monkeypatch):
    # given: two admins, and each demotion has made every check before either appends
    mira = member("mira", "admin")
    both_checked = threading.Barrier(2, timeout=10)
    append = eventlog.store.append

    def append_once_both_checked(*args: Any, **kwargs: Any) -> Any:
        both_checked.wait()
        return append(*args, **kwargs)

    monkeypatch.setattr(eventlog.store, "append", append_once_both_checked)
    # when
    runs = [in_thread(lambda actor=actor, target=target: member_role_change(
        actor=actor, studio_id=str(studio.id), user_id=target.pk, role="viewer"))
        for actor, target in ((admin_user, mira), (mira, admin_user))]
    for thread, _ in runs:
        thread.join(20)
    # then: one demotion happened; the other, checked against a studio that has changed since, was refused
    outcomes = [outcome[0] for _, outcome in runs]
    assert sorted(type(o).__name__ for o in outcomes) == ["ConcurrencyError", "Membership"]
    assert list(Membership.objects.filter(studio=studio, role="admin").values_list("user__username", flat=True)) in (
        ["ada"], ["mira"])
