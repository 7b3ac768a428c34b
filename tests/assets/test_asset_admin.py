from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for_root(make_user) -> Client:
    client = Client()
    client.force_login(make_user("root", superuser=True))
    return client


def test_assets_versions_and_events_are_browsable_but_read_only(admin_client_for_root, make_asset):
    # given
    asset = make_asset()
    pages = {"assets/asset": str(asset.id), "assets/assetversion": f"{asset.id}:1", "eventlog/event": "1"}
    for model, pk in pages.items():
        # when
        listing = admin_client_for_root.get(f"/admin/{model}/")
        detail = admin_client_for_root.get(f"/admin/{model}/{pk}/change/")
        add = admin_client_for_root.get(f"/admin/{model}/add/")
        delete = admin_client_for_root.get(f"/admin/{model}/{pk}/delete/")
        changed = admin_client_for_root.post(f"/admin/{model}/{pk}/change/", {"name": "Hacked"})
        # then
        assert (listing.status_code, detail.status_code) == (200, 200), model
        assert add.status_code == 403 and delete.status_code == 403 and changed.status_code == 403, model
        assert b"Save" not in detail.content
