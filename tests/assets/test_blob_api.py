from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

pytestmark = pytest.mark.django_db


def _post(client, data: bytes, name: str = "ref.png", **fields):
    return client.post("/api/blobs/", {"file": SimpleUploadedFile(name, data), **fields}, format="multipart")


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_uploading_answers_201_then_200_with_the_same_body(api, studio, image_bytes, no_new_events):
    # given
    data = image_bytes(5, size=(40, 30))
    sha = hashlib.sha256(data).hexdigest()
    # when
    first = _post(api, data)
    with no_new_events():
        second = _post(api, data, name="renamed.jpg")
    # then
    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json() == second.json() == {"sha256": sha, "content_type": "image/png", "width": 40, "height": 30,
                                             "size": len(data)}


def test_the_bytes_come_back_unchanged(api, studio, image_bytes):
    # given
    data = image_bytes(6, fmt="JPEG", size=(33, 17))
    sha = _post(api, data, studio=str(studio.id)).json()["sha256"]
    # when
    response = api.get(f"/api/blobs/{sha}/")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert _content(response) == data


def test_the_thumbnail_is_a_small_webp(api, studio, image_bytes):
    # given
    sha = _post(api, image_bytes(size=(600, 300))).json()["sha256"]
    # when
    response = api.get(f"/api/blobs/{sha}/thumbnail/")
    # then
    assert response.status_code == 200
    with Image.open(io.BytesIO(_content(response))) as thumb:
        assert (thumb.format, thumb.size) == ("WEBP", (256, 128))


def test_a_blob_of_another_studio_is_404_and_so_is_an_unknown_or_malformed_hash(api, studio, image_bytes,
                                                                                client_for, make_user):
    # given
    sha = _post(api, image_bytes()).json()["sha256"]
    stranger = client_for(make_user("eve"))
    # when / then
    assert stranger.get(f"/api/blobs/{sha}/").status_code == 404
    assert stranger.get(f"/api/blobs/{sha}/thumbnail/").status_code == 404
    assert api.get(f"/api/blobs/{'0' * 64}/").status_code == 404
    assert api.get("/api/blobs/..%2F..%2Fsettings.py/").status_code == 404


def test_bad_uploads_answer_400_or_413_and_store_nothing(api, studio, image_bytes, settings, no_new_events):
    # given
    settings.BLOB_MAX_BYTES = 2000
    big = image_bytes(size=(200, 200))
    big = big + b"\0" * max(0, 2001 - len(big))
    # when
    with no_new_events():
        gif = _post(api, image_bytes(fmt="GIF"), name="sneaky.png")
        text = _post(api, b"hello", name="hello.png")
        missing = api.post("/api/blobs/", {}, format="multipart")
        too_big = _post(api, big)
    # then
    assert (gif.status_code, gif.json()["code"]) == (400, "invalid_image")
    assert (text.status_code, text.json()["extra"]["fields"]) == (400, {"file": ["Not a PNG, JPEG or WebP image."]})
    assert (missing.status_code, list(missing.json()["extra"]["fields"])) == (400, ["file"])
    assert (too_big.status_code, too_big.json()["code"]) == (413, "blob_too_large")


def test_the_studio_is_needed_when_the_caller_belongs_to_several(api, studio, admin_user, image_bytes,
                                                                 no_new_events):
    # given
    from studios.services import studio_create

    second = studio_create(actor=admin_user, name="Second Unit")
    # when
    with no_new_events():
        ambiguous = _post(api, image_bytes())
    named = _post(api, image_bytes(), studio=str(second.id))
    # then
    assert ambiguous.status_code == 400
    assert list(ambiguous.json()["extra"]["fields"]) == ["studio"]
    assert named.status_code == 201


def test_a_blob_nothing_names_downloads_under_its_hash(api, studio, image_bytes):
    # given
    sha = _post(api, image_bytes(3, fmt="JPEG", size=(20, 10)), name="x.jpg").json()["sha256"]
    # when
    response = api.get(f"/api/blobs/{sha}/")
    # then
    assert response["Content-Disposition"] == f'inline; filename="{sha[:16]}.jpg"'


def test_the_schema_documents_the_image_types_the_blob_endpoint_serves(api, studio, image_bytes):
    # given: a stored PNG, served as image/png
    sha = _post(api, image_bytes(3)).json()["sha256"]
    served = api.get(f"/api/blobs/{sha}/")["Content-Type"]
    # when
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    # then
    documented = schema["paths"]["/api/blobs/{sha256}/"]["get"]["responses"]["200"]["content"]
    assert served == "image/png"
    assert sorted(documented) == ["image/jpeg", "image/png", "image/webp"]
