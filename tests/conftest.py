"""Shared fixtures: users and studios built through services, API clients, isolated storage."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db.backends.base.operations import BaseDatabaseOperations
from rest_framework.test import APIClient

from eventlog.immutability import reset_allowed

_original_flush = BaseDatabaseOperations.execute_sql_flush


def _flush_with_event_reset(self: BaseDatabaseOperations, sql_list: list[str]) -> None:
    # The event table refuses DELETE/TRUNCATE; resetting a test database is the one sanctioned exception.
    with reset_allowed(self.connection.alias):
        _original_flush(self, sql_list)


BaseDatabaseOperations.execute_sql_flush = _flush_with_event_reset  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Hash test passwords with MD5: the production hasher costs ~0.1 s a user and dominates the suite."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_storage(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Give every test its own blob folder so no test sees another's files."""
    location = tmp_path_factory.mktemp("blobs")
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage",
               "OPTIONS": {"location": str(location), "base_url": "/media/blobs/"}}
    settings.STORAGES = {**settings.STORAGES, "default": storage, "blobs": storage}
    settings.MEDIA_ROOT = location.parent


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    """Create users (Django's own table; not event-sourced)."""
    from django.contrib.auth import get_user_model

    def make(username: str, *, password: str = "correct-horse-9", superuser: bool = False) -> Any:
        User = get_user_model()
        if superuser:
            return User.objects.create_superuser(username=username, password=password, email="")
        return User.objects.create_user(username=username, password=password)

    return make


@pytest.fixture
def admin_user(make_user: Callable[..., Any]) -> Any:
    return make_user("ada")


@pytest.fixture
def studio(admin_user: Any) -> Any:
    """A studio created through the service, with `admin_user` as its admin."""
    from studios.services import studio_create

    return studio_create(actor=admin_user, name="Harbour Films")


@pytest.fixture
def member(studio: Any, admin_user: Any) -> Callable[[str, str], Any]:
    """Add a member with a role to `studio` and return the user."""
    from studios.services import member_add

    def add(username: str, role: str) -> Any:
        membership = member_add(actor=admin_user, studio_id=str(studio.id), username=username,
                                password="correct-horse-9", role=role)
        return membership.user

    return add


@pytest.fixture
def client_for() -> Callable[[Any], APIClient]:
    """Return an API client authenticated as a user (token auth, as studios' scripts use)."""
    from rest_framework.authtoken.models import Token

    def make(user: Any) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def api(client_for: Callable[[Any], APIClient], admin_user: Any) -> APIClient:
    """An API client authenticated as the studio admin."""
    return client_for(admin_user)


@pytest.fixture
def no_new_events() -> Callable[[], Any]:
    """Return a context manager asserting that its block appends no event."""
    from contextlib import contextmanager

    import eventlog

    @contextmanager
    def check() -> Iterator[None]:
        before = eventlog.head_position()
        yield
        assert eventlog.head_position() == before, "a refused action appended events"

    return check


@pytest.fixture
def rebuilt_equals_live() -> Callable[[], None]:
    """Return a check that rebuilding every read model from position 0 reproduces the live ones."""
    import eventlog

    def check() -> None:
        assert eventlog.replay_check() is None

    return check
