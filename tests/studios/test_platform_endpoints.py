"""Health, the OpenAPI schema and the Swagger UI page (served from local static files, no CDN)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_health_answers_200_naming_the_database_and_broker(client):
    # when
    response = client.get("/api/health/")
    # then
    from django.db import connection

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": connection.vendor, "broker": "in-process",
                               "optional": {"graph_svg": "graphviz-pure 0.2.2"}}


def test_the_openapi_schema_lists_the_contract_paths(api):
    # when
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    # then
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ["/api/auth/token/", "/api/studios/", "/api/studios/{studio_id}/members/", "/api/events/",
                 "/api/events/verify/", "/api/health/"]:
        assert path in paths, path


def test_the_docs_page_loads_swagger_ui_from_local_static_files_not_a_cdn(api, client):
    # when
    response = api.get("/api/docs/")
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.startswith("/static/drf_spectacular_sidecar/swagger-ui-dist/") for a in assets), assets
    assert not [a for a in assets if a.startswith(("http://", "https://", "//"))], assets
    assert "cdn" not in html.lower()
    script = next(a for a in assets if a.endswith("swagger-ui-bundle.js"))
    assert client.get(script).status_code == 200
