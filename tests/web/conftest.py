"""Web fixtures: the demo studio (its users sign in with the demo password) and signed-in clients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.consistency.conftest import cast, embedder, episode_of, previz, render_episode  # noqa: F401  (fixtures)


@pytest.fixture
def demo(db: None) -> Any:
    """The Harbour Lights demo studio, loaded through its services (previz model, two episodes)."""
    from demo.studio import demo_load

    return demo_load(log=lambda _line: None)


@pytest.fixture
def signed_in(demo: Any) -> Callable[[str], Client]:
    """Return a test client signed in (session login, as a person) as a demo user."""
    from demo.studio import DEMO_PASSWORD

    def sign_in(username: str) -> Client:
        client = Client()
        assert client.login(username=username, password=DEMO_PASSWORD)
        return client

    return sign_in


def ids(demo: Any) -> dict[str, Any]:
    """Return the demo's asset ids by name and its episodes in number order."""
    from assets.models import Asset
    from episodes.models import Episode

    assets = {a.name: str(a.id) for a in Asset.objects.filter(studio_id=demo.id)}
    episodes = [str(e.id) for e in Episode.objects.filter(studio_id=demo.id).order_by("number")]
    return {"assets": assets, "episodes": episodes}
