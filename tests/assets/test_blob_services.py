from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image

import eventlog
from assets.blobstore import blob_key, storage_open, thumbnail_key
from assets.errors import BlobTooLarge, InvalidImage
from assets.models import Blob, BlobGrant
from assets.services import blob_store
from config.errors import Forbidden, NotFound

pytestmark = pytest.mark.django_db


def _stored_files(settings) -> list[Path]:
    return [p for p in Path(settings.STORAGES["blobs"]["OPTIONS"]["location"]).rglob("*") if p.is_file()]


@pytest.mark.parametrize(("fmt", "content_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg"),
                                                   ("WEBP", "image/webp")])
def test_an_image_is_stored_once_under_its_sha256_with_a_thumbnail(studio, admin_user, image_bytes, fmt,
                                                                    content_type):
    # given
    data = image_bytes(3, fmt=fmt, size=(300, 200))
    sha = hashlib.sha256(data).hexdigest()
    # when
    blob = blob_store(actor=admin_user, studio_id=str(studio.id), data=data, filename="x.bin")
    # then
    assert (blob.sha256, blob.content_type, blob.width, blob.height, blob.size, blob.created) == (
        sha, content_type, 300, 200, len(data), True)
    assert blob_key(sha) == f"sha256/{sha[:2]}/{sha[2:4]}/{sha}"
    with storage_open(blob_key(sha)) as stored:
        assert stored.read() == data
    with storage_open(thumbnail_key(sha)) as thumb, Image.open(thumb) as image:
        assert (image.format, image.size) == ("WEBP", (256, 171))
    [event] = eventlog.read_after(0, stream_id=f"blob-{sha}")
    assert (event.type, event.data) == ("BlobStored", {"studio_id": str(studio.id), "sha256": sha,
                                                       "content_type": content_type, "width": 300, "height": 200,
                                                       "size": len(data)})


def test_storing_the_same_bytes_again_appends_nothing(studio, admin_user, image_bytes, no_new_events):
    # given
    first = blob_store(actor=admin_user, studio_id=str(studio.id), data=image_bytes(1))
    # when
    with no_new_events():
        again = blob_store(actor=admin_user, studio_id=str(studio.id), data=io.BytesIO(image_bytes(1)))
    # then
    assert (again.sha256, again.created) == (first.sha256, False)


def test_another_studio_uploading_the_same_bytes_gets_a_grant_not_a_copy(studio, admin_user, make_user, image_bytes,
                                                                         settings):
    # given
    from studios.services import studio_create

    blob_store(actor=admin_user, studio_id=str(studio.id), data=image_bytes(1))
    otto = make_user("otto")
    other = studio_create(actor=otto, name="Other Films")
    # when
    blob = blob_store(actor=otto, studio_id=str(other.id), data=image_bytes(1))
    # then: new to that studio, so it looks like a new upload (201), though stored once
    assert blob.created is True
    assert BlobGrant.objects.filter(blob=blob).count() == 2
    assert len(_stored_files(settings)) == 2  # the bytes and their thumbnail, once


def _refused(settings, studio, admin_user, no_new_events, data, error=InvalidImage):
    with no_new_events(), pytest.raises(error) as refused:
        blob_store(actor=admin_user, studio_id=str(studio.id), data=data, filename="innocent.png")
    assert _stored_files(settings) == []
    assert not Blob.objects.exists()
    return refused.value


def test_a_gif_is_refused_whatever_its_name(settings, studio, admin_user, no_new_events, image_bytes):
    # when
    error = _refused(settings, studio, admin_user, no_new_events, image_bytes(fmt="GIF"))
    # then
    assert (error.status, error.message) == (400, "Only PNG, JPEG and WebP images are accepted, not GIF.")


def test_text_named_png_is_refused(settings, studio, admin_user, no_new_events):
    # when
    error = _refused(settings, studio, admin_user, no_new_events, b"#!/bin/sh\necho not an image\n")
    # then
    assert error.message == "The file is not an image."


def test_a_truncated_png_is_refused_as_corrupt(settings, studio, admin_user, no_new_events, image_bytes):
    # given
    data = image_bytes(size=(64, 64))
    # when
    error = _refused(settings, studio, admin_user, no_new_events, data[: len(data) // 2])
    # then
    assert error.message.startswith("The image is corrupt")


def test_an_image_with_more_pixels_than_the_limit_is_refused(settings, studio, admin_user, no_new_events,
                                                             image_bytes):
    # given
    settings.BLOB_MAX_PIXELS = 100
    # when
    error = _refused(settings, studio, admin_user, no_new_events, image_bytes(size=(20, 20)))
    # then
    assert error.message == "The image has 20x20 pixels, more than the limit of 100."


def test_pillows_own_decompression_bomb_check_is_a_refusal_too(settings, studio, admin_user, no_new_events,
                                                               image_bytes, monkeypatch):
    # given Pillow's limit below ours (warning zone and error zone)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 250)
    for size in ((20, 20), (40, 40)):
        # when
        error = _refused(settings, studio, admin_user, no_new_events, image_bytes(size=size))
        # then
        assert error.message == "The image is a decompression bomb (too many pixels)."


def test_an_upload_over_the_size_limit_is_refused_with_413(settings, studio, admin_user, no_new_events, image_bytes):
    # given
    settings.BLOB_MAX_BYTES = 50
    # when
    error = _refused(settings, studio, admin_user, no_new_events, io.BytesIO(image_bytes(size=(64, 64))),
                     error=BlobTooLarge)
    # then
    assert (error.status, error.extra["limit"]) == (413, 50)


def test_viewers_may_not_upload_and_strangers_get_not_found(studio, member, make_user, image_bytes, no_new_events):
    # given
    viewer, stranger = member("vic", "viewer"), make_user("eve")
    # when / then
    with no_new_events(), pytest.raises(Forbidden):
        blob_store(actor=viewer, studio_id=str(studio.id), data=image_bytes())
    with no_new_events(), pytest.raises(NotFound):
        blob_store(actor=stranger, studio_id=str(studio.id), data=image_bytes())


@pytest.mark.parametrize(("fmt", "mode", "size"), [("PNG", "RGB", (64, 48)), ("PNG", "RGBA", (1, 300)),
                                                   ("PNG", "L", (5000, 7)), ("JPEG", "RGB", (33, 17)),
                                                   ("WEBP", "RGB", (20, 30))])
def test_the_header_of_an_image_the_system_made_tells_what_pillow_reads(fmt, mode, size):
    # given an image Pillow encodes (a PNG with a text chunk before its pixels, like a render's)
    from PIL import PngImagePlugin

    from assets.images import image_header

    out, info = io.BytesIO(), PngImagePlugin.PngInfo()
    info.add_itxt("continuity:manifest", "{}" * 2000)
    Image.new(mode, size).save(out, format=fmt, **({"pnginfo": info} if fmt == "PNG" else {}))
    # when
    header = image_header(out.getvalue())
    # then
    with Image.open(io.BytesIO(out.getvalue())) as read:
        assert (header.content_type, header.width, header.height) == (Image.MIME[read.format], *read.size)


def test_the_header_is_read_without_decoding_a_single_pixel():
    # given a PNG cut off inside its pixel data, which a full decode refuses
    from assets.images import image_header, image_inspect

    out = io.BytesIO()
    Image.effect_noise((200, 100), 64).save(out, format="PNG")
    cut = out.getvalue()[:200]
    with pytest.raises(InvalidImage):
        image_inspect(cut)
    # when
    header = image_header(cut)
    # then
    assert (header.content_type, header.width, header.height) == ("image/png", 200, 100)


@pytest.mark.parametrize("folder_exists", [True, False])
def test_stored_bytes_land_under_their_key_once_and_leave_nothing_partial(settings, folder_exists):
    # given bytes whose sha256/ab/cd folder exists already, or not yet
    from assets.blobstore import storage_put

    root = Path(settings.STORAGES["blobs"]["OPTIONS"]["location"])
    data = b"made by a render " * 100
    key = blob_key(hashlib.sha256(data).hexdigest())
    if folder_exists:
        (root / key).parent.mkdir(parents=True)
    # when
    stored = [storage_put(key, data), storage_put(key, data)]
    # then
    assert stored == [True, False]  # the second call finds the bytes there
    assert (root / key).read_bytes() == data
    assert not list(root.rglob(".partial-*"))


def _refuse_appends(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise RuntimeError("append refused")

    monkeypatch.setattr(eventlog, "append_streams", refuse)


def test_an_upload_whose_append_is_refused_leaves_no_file(settings, studio, admin_user, image_bytes, monkeypatch,
                                                          no_new_events):
    # given
    _refuse_appends(monkeypatch)
    # when
    with no_new_events(), pytest.raises(RuntimeError, match="append refused"):
        blob_store(actor=admin_user, studio_id=str(studio.id), data=image_bytes(1))
    # then
    assert _stored_files(settings) == []
    assert not Blob.objects.exists()


def test_a_refused_upload_keeps_the_files_of_bytes_another_studio_holds(settings, studio, admin_user, make_user,
                                                                         image_bytes, monkeypatch, no_new_events):
    # given bytes stored by one studio, uploaded again by another whose append is refused
    from studios.services import studio_create

    held = blob_store(actor=admin_user, studio_id=str(studio.id), data=image_bytes(1))
    otto = make_user("otto")
    other = studio_create(actor=otto, name="Other Films")
    _refuse_appends(monkeypatch)
    # when
    with no_new_events(), pytest.raises(RuntimeError, match="append refused"):
        blob_store(actor=otto, studio_id=str(other.id), data=image_bytes(1))
    # then
    assert sorted(p.name for p in _stored_files(settings)) == sorted([held.sha256, f"{held.sha256}-256.webp"])
    with storage_open(blob_key(held.sha256)) as stored:
        assert stored.read() == image_bytes(1)
    assert list(BlobGrant.objects.values_list("studio_id", flat=True)) == [studio.id]
