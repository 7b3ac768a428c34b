"""In development the demo admin signs in to /admin/ and browses episodes, shots, renders, jobs and plans."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from demo.studio import DEMO_PASSWORD
from generation.models import Render

pytestmark = pytest.mark.django_db

PAGES = ["episodes/episode", "episodes/shot", "generation/render", "generation/job", "generation/rerenderplan"]


def _load_and_render(settings: Any, *, debug: bool) -> None:
    settings.DEBUG = debug
    call_command("demo", stdout=io.StringIO())
    call_command("render", "ep01", "--user", "demo-artist", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("rerender", "plan", "Mei", "--to-version", "2", "--user", "demo-artist", stdout=io.StringIO(),
                 stderr=io.StringIO())


def test_in_development_the_demo_admin_browses_the_read_models_with_thumbnails(settings: Any) -> None:
    # given
    _load_and_render(settings, debug=True)
    client = Client()
    # when
    signed_in = client.login(username="demo-admin", password=DEMO_PASSWORD)
    pages = {page: client.get(f"/admin/{page}/") for page in PAGES}
    render = Render.objects.order_by("created_at").first()
    assert render is not None
    thumbnail = client.get(f"/api/blobs/{render.image_sha256}/thumbnail/")
    add = client.get("/admin/generation/render/add/")
    # then
    assert signed_in
    assert {page: response.status_code for page, response in pages.items()} == dict.fromkeys(PAGES, 200)
    assert f'src="/api/blobs/{render.image_sha256}/thumbnail/"'.encode() in pages["generation/render"].content
    assert f'src="/api/blobs/{render.image_sha256}/thumbnail/"'.encode() in pages["episodes/shot"].content
    assert b"Mei waits on the pier" in pages["episodes/shot"].content
    assert thumbnail.status_code == 200
    assert add.status_code == 403


def test_outside_development_the_demo_admin_may_not_sign_in_to_the_admin(settings: Any) -> None:
    # given
    _load_and_render(settings, debug=False)
    client = Client()
    # when
    response = client.post("/admin/login/", {"username": "demo-admin", "password": DEMO_PASSWORD})
    # then
    assert response.status_code == 200  # the form again, with its error
    assert b"correct username and password for a staff account" in response.content
