"""Every endpoint × every role, checked against studios.access.PERMISSIONS.

The walker lists every (route, method) the project serves; each must have an entry in `CASES`,
and every entry must still be served, so a new endpoint without an expectation fails here
instead of passing silently. For each entry, every role of the studio and a member of another
studio call it on objects built fresh through the services:

- `Case(permission)`: roles holding the permission get a 2xx, the others 403; another
  studio's member gets 404, exactly as for an object that does not exist.
- `Case(None)`: any signed-in user (studio-less endpoints); another studio's member gets a 2xx
  too, but the body must not mention this studio.
- `PUBLIC`: no sign-in needed (health, schema, docs, token).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, include, path
from PIL import Image
from rest_framework.test import APIClient

from studios.access import PERMISSIONS
from studios.models import Role

# The audit URLs have their own module; served here whether or not config.urls includes them yet.
urlpatterns = [path("api/", include("studios.audit_urls")), path("", include("config.urls"))]

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.test_role_matrix")]


METHODS = ("get", "post", "put", "patch", "delete")
# Django's admin has its own login and staff checks; it is not part of the API surface.
EXCLUDED_PREFIXES = ("admin/",)
# The web app's pages call the same services; tests/web checks their roles, refusals and 404s.
EXCLUDED_MODULES = ("web.", "django.contrib.auth.views")
_numbers = itertools.count(1)


# --- a studio to act on ----------------------------------------------------------------------

class World:
    """Objects of one studio, made through the services as its admin; parents are made once."""

    def __init__(self, admin: Any, studio_id: str) -> None:
        self.admin, self.studio = admin, studio_id
        self._cache: dict[str, Any] = {}

    def once(self, name: str, make: Callable[[], Any]) -> Any:
        if name not in self._cache:
            self._cache[name] = make()
        return self._cache[name]

    def asset(self, *, status: str = "draft", **kwargs: Any) -> str:
        from assets import services

        asset = services.asset_create(actor=self.admin, studio_id=self.studio, kind="character",
                                      name=f"Extra {next(_numbers)}", attributes={}, **kwargs)
        steps = {"draft": [], "in_review": ["submit"], "approved": ["submit", "approve"]}[status]
        for step in steps:
            getattr(services, f"asset_version_{step}")(actor=self.admin, asset_id=str(asset.id), number=1)
        return str(asset.id)

    def member(self) -> str:
        """Return the username of a new artist of the studio (each call adds one)."""
        from studios.services import member_add

        username = f"extra{next(_numbers)}"
        member_add(actor=self.admin, studio_id=self.studio, username=username, password="correct-horse-9",
                   role="artist")
        return username

    def blob(self) -> str:
        from assets.services import blob_store

        return self.once("blob", lambda: blob_store(actor=self.admin, studio_id=self.studio, data=png()).sha256)

    def model(self) -> str:
        from generation.services.registry import model_register

        return self.once("model", lambda: str(model_register(actor=self.admin, studio_id=self.studio,
                                                             name="previz", backend="previz").id))

    def series(self) -> str:
        from episodes.services import series_create

        return self.once("series", lambda: str(series_create(actor=self.admin, studio_id=self.studio,
                                                             title="Harbour").id))

    def episode(self, *, fresh: bool = False) -> str:
        from episodes.services import episode_create

        def make() -> str:
            return str(episode_create(actor=self.admin, series_id=self.series(), number=next(_numbers),
                                      title="Pilot", targets=[]).id)

        return make() if fresh else self.once("episode", make)

    def shot(self, *, episode: str | None = None, asset: str | None = None) -> str:
        from episodes.services import shot_create

        cast = [{"asset": asset or self.once("cast", lambda: self.asset(status="approved")), "version": 1}]
        return str(shot_create(actor=self.admin, episode_id=episode or self.episode(), prompt="A harbour", cast=cast,
                               seed=1, width=64, height=64, steps=2, model=self.model()).id)

    def cut(self) -> str:
        from episodes.services import cut_lock

        return self.once("cut", lambda: (self.shot(), str(cut_lock(actor=self.admin, episode_id=self.episode()).id))[1])

    def job(self) -> str:
        from generation.services.jobs import episode_render

        episode = self.episode(fresh=True)
        self.shot(episode=episode)
        return str(episode_render(actor=self.admin, episode_id=episode).id)

    def rendered_episode(self) -> str:
        """Return an episode whose one shot has a recorded render."""
        from generation.services.jobs import episode_render
        from generation.services.worker import job_item_run

        def make() -> str:
            episode = self.episode(fresh=True)
            self.shot(episode=episode)
            job_item_run(job_id=str(episode_render(actor=self.admin, episode_id=episode).id), index=0)
            return episode

        return self.once("rendered", make)

    def approvable_cut(self) -> str:
        """Return a locked cut of the rendered episode (approvable: its one shot has a render)."""
        from episodes.services import cut_lock

        return self.once("approvable", lambda: str(cut_lock(actor=self.admin, episode_id=self.rendered_episode()).id))

    def approval(self) -> str:
        from reviews.services import cut_approve

        return self.once("approval", lambda: str(cut_approve(actor=self.admin, cut_id=self.approvable_cut()).id))

    def render(self) -> str:
        from generation.models import Render

        self.rendered_episode()
        return str(Render.objects.filter(studio_id=self.studio).values_list("id", flat=True).first())

    def upgraded_asset(self) -> str:
        """Return a fresh asset whose approved v1 is pinned by a shot and whose v2 is approved."""
        from assets.services import asset_version_approve, asset_version_create, asset_version_submit

        asset = self.asset(status="approved")
        self.shot(asset=asset)
        asset_version_create(actor=self.admin, asset_id=asset, expected_version=1, attributes={})
        asset_version_submit(actor=self.admin, asset_id=asset, number=2)
        asset_version_approve(actor=self.admin, asset_id=asset, number=2)
        return asset

    def plan(self, *, approved: bool = False) -> str:
        from generation.services.plans import plan_approve, plan_create

        plan = plan_create(actor=self.admin, asset_id=self.upgraded_asset())
        if approved:
            plan_approve(actor=self.admin, plan_id=str(plan.id))
        return str(plan.id)

    def rights(self, *, suspended: bool = False) -> str:
        from rights.services import rights_grant, rights_suspend

        record = rights_grant(actor=self.admin, asset_id=self.once("licensed", self.asset), **TERMS)
        if suspended:
            rights_suspend(actor=self.admin, rights_id=str(record.id))
        return str(record.id)


TERMS = {"licensor": "Northwind", "licensee": "Harbour Films", "territories": {"worldwide": True},
         "media": ["svod"], "window_start": "2026-01-01"}


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


# --- the expectations ------------------------------------------------------------------------

Request = tuple[str, dict[str, Any] | None]  # (url, body)


@dataclass(frozen=True)
class Case:
    """Who may call an endpoint (a PERMISSIONS key; None: any signed-in user) and how to call it."""

    permission: str | None
    build: Callable[[World], Request]
    multipart: bool = False
    ok: frozenset[int] = field(default=frozenset({200, 201, 202}))


PUBLIC = "public"


def get(url: Callable[[World], str], permission: str | None = "view") -> Case:
    return Case(permission, lambda w: (url(w), None))


def post(permission: str | None, url: Callable[[World], str], body: Callable[[World], dict] = lambda w: {}) -> Case:
    return Case(permission, lambda w: (url(w), body(w)))


def _version_body(w: World) -> dict[str, Any]:
    return {"expected_version": 1, "attributes": {}}


CASES: dict[tuple[str, str], Case | str] = {
    # config
    ("api/health/", "get"): PUBLIC,
    ("api/schema/", "get"): PUBLIC,
    ("api/docs/", "get"): PUBLIC,
    # studios
    ("api/auth/token/", "post"): PUBLIC,
    ("api/studios/", "get"): get(lambda w: "/api/studios/", None),
    ("api/studios/", "post"): post(None, lambda w: "/api/studios/", lambda w: {"name": "Another"}),
    ("api/studios/<uuid:studio_id>/", "get"): get(lambda w: f"/api/studios/{w.studio}/"),
    ("api/studios/<uuid:studio_id>/members/", "get"): get(lambda w: f"/api/studios/{w.studio}/members/"),
    ("api/studios/<uuid:studio_id>/members/", "post"): post(
        "members.manage", lambda w: f"/api/studios/{w.studio}/members/",
        lambda w: {"username": f"new{next(_numbers)}", "password": "correct-horse-9", "role": "viewer"}),
    ("api/studios/<uuid:studio_id>/members/<str:username>/", "patch"): post(
        "members.manage", lambda w: f"/api/studios/{w.studio}/members/{w.member()}/", lambda w: {"role": "viewer"}),
    ("api/studios/<uuid:studio_id>/members/<str:username>/", "delete"): Case(
        "members.manage", lambda w: (f"/api/studios/{w.studio}/members/{w.member()}/", None), ok=frozenset({204})),
    ("api/auth/token/revoke/", "post"): Case(None, lambda w: ("/api/auth/token/revoke/", None), ok=frozenset({204})),
    ("api/audit/", "get"): get(lambda w: f"/api/audit/?studio={w.studio}", "audit.view"),
    # lineage
    ("api/events/", "get"): get(lambda w: "/api/events/", None),
    ("api/events/verify/", "get"): get(lambda w: "/api/events/verify/", None),
    ("api/lineage/graph/", "get"): get(lambda w: f"/api/lineage/graph/?node=asset:{w.asset()}"),
    ("api/lineage/impact/", "get"): get(lambda w: f"/api/lineage/impact/?asset={w.asset(status='approved')}"),
    ("api/lineage/dependencies/", "get"): get(lambda w: f"/api/lineage/dependencies/?node=shot:{w.shot()}"),
    # assets
    ("api/assets/", "get"): get(lambda w: f"/api/assets/?studio={w.studio}"),
    ("api/assets/", "post"): post("asset.create", lambda w: "/api/assets/",
                                  lambda w: {"studio": w.studio, "kind": "prop", "name": "Lantern", "attributes": {}}),
    ("api/assets/<str:asset_id>/", "get"): get(lambda w: f"/api/assets/{w.asset()}/"),
    ("api/assets/<str:asset_id>/versions/", "get"): get(lambda w: f"/api/assets/{w.asset()}/versions/"),
    ("api/assets/<str:asset_id>/versions/", "post"): post(
        "asset.revise", lambda w: f"/api/assets/{w.asset()}/versions/", _version_body),
    ("api/assets/<str:asset_id>/versions/<int:number>/", "get"): get(lambda w: f"/api/assets/{w.asset()}/versions/1/"),
    ("api/assets/<str:asset_id>/diff/", "get"): get(lambda w: f"/api/assets/{w.asset()}/diff/?from=1&to=1"),
    ("api/assets/<str:asset_id>/versions/<int:number>/submit/", "post"): post(
        "asset.submit", lambda w: f"/api/assets/{w.asset()}/versions/1/submit/"),
    ("api/assets/<str:asset_id>/versions/<int:number>/approve/", "post"): post(
        "asset.approve", lambda w: f"/api/assets/{w.asset(status='in_review')}/versions/1/approve/"),
    ("api/assets/<str:asset_id>/versions/<int:number>/reject/", "post"): post(
        "asset.approve", lambda w: f"/api/assets/{w.asset(status='in_review')}/versions/1/reject/"),
    ("api/assets/<str:asset_id>/versions/<int:number>/retire/", "post"): post(
        "asset.retire", lambda w: f"/api/assets/{w.asset()}/versions/1/retire/"),
    ("api/blobs/", "post"): Case("blob.upload", lambda w: ("/api/blobs/", {"studio": w.studio, "file": _upload()}),
                                 multipart=True),
    ("api/blobs/<str:sha256>/", "get"): get(lambda w: f"/api/blobs/{w.blob()}/"),
    ("api/blobs/<str:sha256>/thumbnail/", "get"): get(lambda w: f"/api/blobs/{w.blob()}/thumbnail/"),
    # episodes
    ("api/series/", "get"): get(lambda w: f"/api/series/?studio={w.studio}"),
    ("api/series/", "post"): post("episode.edit", lambda w: "/api/series/",
                                  lambda w: {"studio": w.studio, "title": "Spin-off"}),
    ("api/series/<uuid:series_id>/", "get"): get(lambda w: f"/api/series/{w.series()}/"),
    ("api/episodes/", "get"): get(lambda w: f"/api/episodes/?series={w.series()}"),
    ("api/episodes/", "post"): post("episode.edit", lambda w: "/api/episodes/",
                                    lambda w: {"series": w.series(), "number": next(_numbers), "title": "Next"}),
    ("api/episodes/<uuid:episode_id>/", "get"): get(lambda w: f"/api/episodes/{w.episode()}/"),
    ("api/episodes/<uuid:episode_id>/shots/", "get"): get(lambda w: f"/api/episodes/{w.episode()}/shots/"),
    ("api/episodes/<uuid:episode_id>/shots/", "post"): post(
        "shot.edit", lambda w: f"/api/episodes/{w.episode()}/shots/",
        lambda w: {"prompt": "A pier", "cast": [], "seed": 3, "width": 64, "height": 64, "steps": 2,
                   "model": w.model()}),
    ("api/episodes/<uuid:episode_id>/lock/", "post"): post(
        "cut.lock", lambda w: (w.shot(), f"/api/episodes/{w.episode()}/lock/")[1]),
    ("api/episodes/<uuid:episode_id>/cuts/", "get"): get(lambda w: f"/api/episodes/{w.episode()}/cuts/"),
    ("api/episodes/<uuid:episode_id>/availability/", "get"): get(
        lambda w: f"/api/episodes/{w.episode()}/availability/"),
    ("api/shots/<uuid:shot_id>/", "get"): get(lambda w: f"/api/shots/{w.shot()}/"),
    ("api/shots/<uuid:shot_id>/revisions/", "get"): get(lambda w: f"/api/shots/{w.shot()}/revisions/"),
    ("api/shots/<uuid:shot_id>/revisions/", "post"): post(
        "shot.edit", lambda w: f"/api/shots/{w.shot()}/revisions/",
        lambda w: {"expected_revision": 1, "prompt": "A pier at night"}),
    ("api/shots/<uuid:shot_id>/revisions/<int:revision>/", "get"): get(lambda w: f"/api/shots/{w.shot()}/revisions/1/"),
    ("api/cuts/<uuid:cut_id>/", "get"): get(lambda w: f"/api/cuts/{w.cut()}/"),
    # generation
    ("api/models/", "get"): get(lambda w: f"/api/models/?studio={w.studio}"),
    ("api/models/", "post"): post("model.register", lambda w: "/api/models/",
                                  lambda w: {"studio": w.studio, "name": f"previz-{next(_numbers)}",
                                             "backend": "previz"}),
    ("api/models/<uuid:model_id>/", "get"): get(lambda w: f"/api/models/{w.model()}/"),
    ("api/episodes/<uuid:episode_id>/render/", "post"): post(
        "render", lambda w: (w.shot(), f"/api/episodes/{w.episode()}/render/")[1]),
    ("api/episodes/<uuid:episode_id>/reproduce/", "post"): post(
        "render", lambda w: f"/api/episodes/{w.rendered_episode()}/reproduce/"),
    ("api/jobs/<uuid:job_id>/", "get"): get(lambda w: f"/api/jobs/{w.once('job', w.job)}/"),
    ("api/jobs/<uuid:job_id>/cancel/", "post"): post("render", lambda w: f"/api/jobs/{w.job()}/cancel/"),
    ("api/renders/<uuid:render_id>/", "get"): get(lambda w: f"/api/renders/{w.render()}/"),
    ("api/renders/<uuid:render_id>/provenance/", "get"): get(lambda w: f"/api/renders/{w.render()}/provenance/"),
    # delivery
    ("api/cuts/<uuid:cut_id>/exports/", "post"): post("render", lambda w: f"/api/cuts/{w.approvable_cut()}/exports/",
                                                      lambda w: {"format": "edl"}),
    ("api/exports/<uuid:export_id>/", "get"): get(lambda w: f"/api/exports/{w.once('export', lambda: _export(w))}/"),
    ("api/rerender-plans/", "post"): post("plan.create", lambda w: "/api/rerender-plans/",
                                          lambda w: {"asset": w.once("upgraded", w.upgraded_asset)}),
    ("api/rerender-plans/<uuid:plan_id>/", "get"): get(lambda w: f"/api/rerender-plans/{w.once('plan', w.plan)}/"),
    ("api/rerender-plans/<uuid:plan_id>/approve/", "post"): post(
        "plan.approve", lambda w: f"/api/rerender-plans/{w.plan()}/approve/"),
    ("api/rerender-plans/<uuid:plan_id>/execute/", "post"): post(
        "plan.execute", lambda w: f"/api/rerender-plans/{w.plan(approved=True)}/execute/"),
    # reviews
    ("api/cuts/<uuid:cut_id>/approve/", "post"): post(
        "cut.approve", lambda w: f"/api/cuts/{w.approvable_cut()}/approve/", lambda w: {"comment": "Good"}),
    ("api/cuts/<uuid:cut_id>/approvals/", "get"): get(
        lambda w: (w.approval(), f"/api/cuts/{w.approvable_cut()}/approvals/")[1]),
    ("api/episodes/<uuid:episode_id>/approvals/", "get"): get(
        lambda w: (w.approval(), f"/api/episodes/{w.rendered_episode()}/approvals/")[1]),
    ("api/approvals/<uuid:approval_id>/", "get"): get(lambda w: f"/api/approvals/{w.approval()}/"),
    # rights
    ("api/rights/", "get"): get(lambda w: f"/api/rights/?studio={w.studio}"),
    ("api/rights/", "post"): post("rights.manage", lambda w: "/api/rights/",
                                  lambda w: {**TERMS, "asset": w.once("licensed", w.asset)}),
    ("api/rights/vocabulary/", "get"): get(lambda w: "/api/rights/vocabulary/", None),
    ("api/rights/<uuid:rights_id>/", "get"): get(lambda w: f"/api/rights/{w.rights()}/"),
    ("api/rights/<uuid:rights_id>/amend/", "post"): post(
        "rights.manage", lambda w: f"/api/rights/{w.rights()}/amend/",
        lambda w: {"expected_version": 1, "media": ["svod", "avod"]}),
    ("api/rights/<uuid:rights_id>/suspend/", "post"): post("rights.manage",
                                                           lambda w: f"/api/rights/{w.rights()}/suspend/"),
    ("api/rights/<uuid:rights_id>/reinstate/", "post"): post(
        "rights.manage", lambda w: f"/api/rights/{w.rights(suspended=True)}/reinstate/"),
    ("api/rights/<uuid:rights_id>/terminate/", "post"): post("rights.manage",
                                                             lambda w: f"/api/rights/{w.rights()}/terminate/"),
    # consistency
    ("api/episodes/<uuid:episode_id>/consistency/", "get"): get(
        lambda w: f"/api/episodes/{w.rendered_episode()}/consistency/"),
    ("api/series/<uuid:series_id>/consistency/", "get"): get(lambda w: f"/api/series/{w.series()}/consistency/"),
    ("api/studios/<uuid:studio_id>/consistency/", "get"): get(lambda w: f"/api/studios/{w.studio}/consistency/"),
    ("api/studios/<uuid:studio_id>/consistency/", "put"): post(
        "model.register", lambda w: f"/api/studios/{w.studio}/consistency/",
        lambda w: {"embedder": "efficientnet-lite0"}),
    ("api/search/", "get"): get(lambda w: f"/api/search/?studio={w.studio}&q=harbour"),
    ("api/search/similar/", "post"): post("view", lambda w: "/api/search/similar/",
                                          lambda w: {"studio": w.studio, "blob": w.blob()}),
}


def _export(world: World) -> str:
    from delivery.services import export_request

    return str(export_request(actor=world.admin, cut_id=world.approvable_cut(), format="otio")[0].id)


def _upload() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    # A different image each time: re-uploading known bytes answers 200, which is allowed too.
    return SimpleUploadedFile("frame.png", png(), content_type="image/png")


# --- the walker ------------------------------------------------------------------------------

def served_endpoints() -> set[tuple[str, str]]:
    """Return every (route, method) the URL configuration serves, Django's admin excepted."""
    endpoints = set()
    for route, pattern in _walk(get_resolver().url_patterns, ""):
        if route.startswith(EXCLUDED_PREFIXES) or pattern.callback.__module__.startswith(EXCLUDED_MODULES):
            continue
        view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
        methods = [m for m in METHODS if view is not None and hasattr(view, m)] or ["*"]
        endpoints |= {(route, m) for m in methods}
    return endpoints


def _walk(patterns: list[Any], prefix: str) -> list[tuple[str, URLPattern]]:
    found = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _walk(entry.url_patterns, route)
        else:
            found.append((route, entry))
    return found


def test_every_served_endpoint_has_an_expectation_and_every_expectation_is_served():
    # given
    served = served_endpoints()

    # when
    missing = sorted(served - set(CASES))
    stale = sorted(set(CASES) - served)

    # then
    assert missing == [], f"endpoints without an entry in CASES: {missing}"
    assert stale == [], f"entries in CASES for endpoints that are no longer served: {stale}"


def test_every_permission_in_the_table_exists():
    # then
    used = {c.permission for c in CASES.values() if isinstance(c, Case) and c.permission}
    assert used <= set(PERMISSIONS)


# --- the matrix ------------------------------------------------------------------------------

@pytest.fixture
def world(make_user: Callable[..., Any]) -> dict[str, Any]:
    """A studio with one member per role, and a member of another studio."""
    from rest_framework.authtoken.models import Token

    from studios.services import member_add, studio_create

    admin = make_user("ada")
    studio = studio_create(actor=admin, name="Harbour Films")
    users = {Role.ADMIN.value: admin}
    for role in Role.values:
        if role != Role.ADMIN:
            users[role] = member_add(actor=admin, studio_id=str(studio.id), username=f"m_{role}",
                                     password="correct-horse-9", role=role).user
    outsider = make_user("olga")
    studio_create(actor=outsider, name="Rival Pictures")
    clients = {}
    for name, user in [*users.items(), ("outsider", outsider)]:
        clients[name] = APIClient()
        clients[name].credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return {"world": World(admin, str(studio.id)), "clients": clients}


def _call(client: APIClient, method: str, case: Case, world: World) -> Any:
    url, body = case.build(world)
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, body or {}, format="multipart" if case.multipart else "json")


@pytest.mark.parametrize(("route", "method"), sorted(k for k, v in CASES.items() if isinstance(v, Case)))
def test_each_role_gets_exactly_what_the_permissions_table_allows(world, route, method):
    # given
    case = CASES[(route, method)]
    allowed = PERMISSIONS[case.permission] if case.permission else frozenset(Role.values)

    # when
    statuses = {role: _call(world["clients"][role], method, case, world["world"]).status_code for role in Role.values}
    outsider = _call(world["clients"]["outsider"], method, case, world["world"])

    # then
    expected = {role: "2xx" if role in allowed else 403 for role in Role.values}
    assert {r: "2xx" if s in case.ok else s for r, s in statuses.items()} == expected
    if case.permission:
        assert outsider.status_code == 404
        assert outsider.json()["code"] == "not_found"
    else:
        assert outsider.status_code in case.ok
        assert world["world"].studio not in outsider.content.decode()


@pytest.mark.parametrize(("route", "method"), sorted(k for k, v in CASES.items() if v == PUBLIC))
def test_public_endpoints_answer_without_signing_in(world, route, method):
    # given
    url = "/" + route

    # when
    response = APIClient().get(url) if method == "get" else APIClient().post(url, {}, format="json")

    # then
    assert response.status_code not in (401, 403)
