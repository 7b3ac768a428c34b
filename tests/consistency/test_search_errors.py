"""Search refusals: the error body of the contract, and nothing of another studio's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_similar_search_without_an_image_is_400_with_the_field(api: Any, studio: Any) -> None:
    # when
    response = api.post("/api/search/similar/", {"studio": str(studio.id)}, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "blob" in response.json()["extra"]["fields"]


def test_similar_search_on_another_studios_blob_is_404(
    api: Any, studio: Any, make_user: Callable[..., Any],
) -> None:
    # given: a blob only the other studio uploaded
    from assets.services import blob_store
    from demo import art
    from studios.services import studio_create

    rival = make_user("rival")
    other = studio_create(actor=rival, name="Other")
    blob = blob_store(actor=rival, studio_id=str(other.id), data=art.prop_sketch("Key", ["#123456", "#654321"], 3))
    # when
    response = api.post("/api/search/similar/", {"studio": str(studio.id), "blob": blob.sha256}, format="json")
    # then
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_library_search_needs_a_studio_and_a_numeric_limit(api: Any, studio: Any) -> None:
    # when
    missing = api.get("/api/search/", {"q": "mei"})
    bad_limit = api.get("/api/search/", {"studio": str(studio.id), "q": "mei", "limit": "lots"})
    # then
    assert (missing.status_code, missing.json()["code"]) == (400, "invalid")
    assert (bad_limit.status_code, bad_limit.json()["code"]) == (400, "invalid")


def test_reports_of_another_studios_episode_are_404(
    episode_of: Callable[..., Any], make_user: Callable[..., Any], client_for: Callable[[Any], Any],
) -> None:
    # given
    episode = episode_of(["mei"])
    rival = client_for(make_user("rival"))
    # when
    episode_response = rival.get(f"/api/episodes/{episode.id}/consistency/")
    series_response = rival.get(f"/api/series/{episode.series_id}/consistency/")
    # then
    assert episode_response.status_code == series_response.status_code == 404
