from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import eventlog
from eventlog.canonical import canonical_hash
from generation.backends.fingerprint import model_fingerprint
from generation.models import RenderModel

pytestmark = pytest.mark.django_db


def test_registering_a_diffusers_folder_records_its_tensor_fingerprint(api, studio, model_roots):
    # given
    folder = model_roots / "tiny"
    # when
    response = api.post("/api/models/", {"studio": str(studio.id), "name": "tiny", "backend": "diffusers",
                                         "path": str(folder)}, format="json")
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["fingerprint"] == model_fingerprint(folder)
    model = RenderModel.objects.get(pk=body["id"])
    assert (model.name, model.version, model.backend, model.path) == ("tiny", 1, "diffusers", str(folder.resolve()))
    assert eventlog.read_after(eventlog.head_position() - 1)[0].type == "ModelRegistered"


def test_a_relative_path_resolves_against_the_model_roots(api, studio, model_roots):
    # when
    response = api.post("/api/models/", {"studio": str(studio.id), "name": "tiny", "backend": "diffusers",
                                         "path": "tiny"}, format="json")
    # then
    assert response.status_code == 201
    assert RenderModel.objects.get(pk=response.json()["id"]).path == str((model_roots / "tiny").resolve())


def test_registering_the_same_weights_again_returns_the_existing_version(api, studio, model_roots, no_new_events):
    # given
    first = api.post("/api/models/", {"studio": str(studio.id), "name": "tiny", "backend": "diffusers",
                                      "path": str(model_roots / "tiny")}, format="json").json()
    # when
    with no_new_events():
        again = api.post("/api/models/", {"studio": str(studio.id), "name": "tiny", "backend": "diffusers",
                                          "path": "tiny"}, format="json")
    # then
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]


def test_registering_the_same_name_with_other_weights_makes_a_new_version(api, studio, model_roots, tmp_path):
    # given
    from demo.tinymodel import build_tiny_pipeline

    first = api.post("/api/models/", {"studio": str(studio.id), "name": "tiny", "backend": "diffusers",
                                      "path": "tiny"}, format="json").json()
    other = build_tiny_pipeline(model_roots / "tiny-seed-1", seed=1)
    # when
    response = api.post("/api/models/", {"studio": str(studio.id), "name": "tiny", "backend": "diffusers",
                                         "path": str(other)}, format="json")
    shutil.rmtree(other)
    # then
    assert response.status_code == 201
    assert response.json()["id"] != first["id"]
    assert response.json()["fingerprint"] != first["fingerprint"]
    assert RenderModel.objects.get(pk=response.json()["id"]).version == 2


def test_the_previz_fingerprint_is_the_hash_of_its_description(api, studio):
    # given
    from generation.backends import load_backend

    # when
    response = api.post("/api/models/", {"studio": str(studio.id), "name": "previz", "backend": "previz"},
                        format="json")
    # then
    assert response.status_code == 201
    assert response.json()["fingerprint"] == canonical_hash(load_backend("previz", None).describe())


@pytest.mark.parametrize("path", ["/etc", "../../../etc", "tiny/../../.."])
def test_a_path_outside_the_model_roots_is_refused(api, studio, model_roots, no_new_events, path):
    # when
    with no_new_events():
        response = api.post("/api/models/", {"studio": str(studio.id), "name": "x", "backend": "diffusers",
                                             "path": path}, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_model_path"


def test_a_symlink_inside_a_root_that_points_outside_it_is_refused(api, studio, model_roots, tmp_path,
                                                                   no_new_events):
    # given
    outside = tmp_path / "outside"
    shutil.copytree(model_roots / "tiny", outside)
    link = model_roots / "sneaky"
    os.symlink(outside, link)
    # when
    try:
        with no_new_events():
            response = api.post("/api/models/", {"studio": str(studio.id), "name": "x", "backend": "diffusers",
                                                 "path": "sneaky"}, format="json")
    finally:
        link.unlink()
    # then
    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {"path": ["Outside MODEL_ROOTS."]}


def test_a_folder_without_weights_is_refused(api, studio, model_roots, no_new_events):
    # given
    empty = Path(model_roots) / "empty"
    empty.mkdir(exist_ok=True)
    (empty / "model_index.json").write_text("{}")
    # when
    with no_new_events():
        response = api.post("/api/models/", {"studio": str(studio.id), "name": "x", "backend": "diffusers",
                                             "path": "empty"}, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_model_path"


def test_an_artist_may_not_register_a_model(client_for, studio, member, no_new_events):
    # given
    artist = member("ari", "artist")
    # when
    with no_new_events():
        response = client_for(artist).post("/api/models/", {"studio": str(studio.id), "name": "p",
                                                            "backend": "previz"}, format="json")
    # then
    assert response.status_code == 403


def test_a_non_member_gets_not_found(client_for, make_user, studio, no_new_events):
    # given
    stranger = make_user("stranger")
    # when
    with no_new_events():
        response = client_for(stranger).post("/api/models/", {"studio": str(studio.id), "name": "p",
                                                              "backend": "previz"}, format="json")
    # then
    assert response.status_code == 404


def test_model_read_models_equal_a_rebuild(api, studio, model_roots, rebuilt_equals_live):
    # given
    api.post("/api/models/", {"studio": str(studio.id), "name": "p", "backend": "previz"}, format="json")
    api.post("/api/models/", {"studio": str(studio.id), "name": "tiny", "backend": "diffusers", "path": "tiny"},
             format="json")
    # then
    rebuilt_equals_live()
