"""Blobs through django-storages' S3Storage against a real S3 HTTP server (moto) on loopback."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

BUCKET = "continuity-test"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """Start moto's S3 server on 127.0.0.1 (a free port) for this module."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_blobs(settings: Any, s3_endpoint: str) -> Any:
    """Point the "blobs" storage at a fresh bucket on the loopback S3 server; return a boto3 client."""
    import boto3

    client = boto3.client("s3", endpoint_url=s3_endpoint, aws_access_key_id="testing",
                          aws_secret_access_key="testing", region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    storage = {"BACKEND": "storages.backends.s3.S3Storage",
               "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": s3_endpoint, "addressing_style": "path",
                           "file_overwrite": False, "default_acl": None, **CREDENTIALS}}
    settings.STORAGES = {**settings.STORAGES, "blobs": storage}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_uploads_are_stored_in_s3_read_back_and_deduplicated(api, studio, image_bytes, s3_blobs, no_new_events):
    # given
    data = image_bytes(9, size=(300, 150))
    sha = hashlib.sha256(data).hexdigest()
    # when
    first = api.post("/api/blobs/", {"file": SimpleUploadedFile("a.png", data)}, format="multipart")
    with no_new_events():
        again = api.post("/api/blobs/", {"file": SimpleUploadedFile("b.png", data)}, format="multipart")
    downloaded = api.get(f"/api/blobs/{sha}/")
    thumbnail = api.get(f"/api/blobs/{sha}/thumbnail/")
    # then
    assert (first.status_code, again.status_code, downloaded.status_code, thumbnail.status_code) == (201, 200, 200,
                                                                                                      200)
    assert b"".join(downloaded.streaming_content) == data
    keys = sorted(item["Key"] for item in s3_blobs.list_objects_v2(Bucket=BUCKET)["Contents"])
    assert keys == [f"sha256/{sha[:2]}/{sha[2:4]}/{sha}", f"thumbnails/{sha[:2]}/{sha[2:4]}/{sha}-256.webp"]
    assert s3_blobs.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read() == data


def test_a_refused_upload_puts_nothing_in_s3(api, studio, image_bytes, s3_blobs, no_new_events):
    # when
    with no_new_events():
        response = api.post("/api/blobs/", {"file": SimpleUploadedFile("a.png", image_bytes(fmt="GIF"))},
                            format="multipart")
    # then
    assert response.status_code == 400
    assert "Contents" not in s3_blobs.list_objects_v2(Bucket=BUCKET)


def test_bytes_the_system_made_are_uploaded_before_their_append_begins(studio, image_bytes, s3_blobs):
    # given
    from assets.services import blob_store_made

    data = image_bytes(5)
    sha = hashlib.sha256(data).hexdigest()
    # when
    made = blob_store_made(studio_id=str(studio.id), data=data)
    # then the object is there already: no append waits on a network upload
    keys = [item["Key"] for item in s3_blobs.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [f"sha256/{sha[:2]}/{sha[2:4]}/{sha}"]
    assert (made.sha256, made.stored) == (sha, True)


def test_made_bytes_whose_append_was_refused_are_removed_from_s3(studio, image_bytes, s3_blobs):
    # given
    from assets.services import blob_discard, blob_store_made

    made = blob_store_made(studio_id=str(studio.id), data=image_bytes(5))
    # when
    blob_discard(blob=made)
    # then
    assert "Contents" not in s3_blobs.list_objects_v2(Bucket=BUCKET)


def test_the_sweep_lists_and_removes_unreferenced_objects_in_s3(api, studio, image_bytes, s3_blobs):
    # given an uploaded blob and bytes stored by a process that crashed before its append
    import io

    from django.core.management import call_command

    from assets.blobstore import blob_key, storage_put

    api.post("/api/blobs/", {"file": SimpleUploadedFile("a.png", image_bytes(1))}, format="multipart")
    orphan = hashlib.sha256(image_bytes(2)).hexdigest()
    storage_put(blob_key(orphan), image_bytes(2))
    before = sorted(item["Key"] for item in s3_blobs.list_objects_v2(Bucket=BUCKET)["Contents"])
    young, dry, applied = io.StringIO(), io.StringIO(), io.StringIO()
    # when
    call_command("blobs", "sweep", "--apply", stdout=young)  # within the grace period: nothing is taken
    call_command("blobs", "sweep", "--older-than", "0", stdout=dry)
    call_command("blobs", "sweep", "--older-than", "0", "--apply", stdout=applied)
    # then
    line = f"{blob_key(orphan)} (unreferenced, {len(image_bytes(2))} bytes)"
    assert young.getvalue() == "removed 0 files, 0 bytes\n"
    assert dry.getvalue().splitlines()[0] == f"would remove {line}"
    assert applied.getvalue().splitlines() == [f"removed {line}", f"removed 1 file, {len(image_bytes(2))} bytes"]
    after = sorted(item["Key"] for item in s3_blobs.list_objects_v2(Bucket=BUCKET)["Contents"])
    assert after == [key for key in before if key != blob_key(orphan)]
