"""`manage.py blobs sweep`: files no blob row references and `.partial-*` leftovers, past a grace period."""

from __future__ import annotations

import hashlib
import io
import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from assets.blobstore import blob_key, storage_put, thumbnail_key
from assets.models import Blob
from assets.services import blob_store

pytestmark = pytest.mark.django_db

HOURS_AGO = time.time() - 2 * 3600


def _root(settings) -> Path:
    return Path(settings.STORAGES["blobs"]["OPTIONS"]["location"])


def _files(settings) -> list[str]:
    root = _root(settings)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _age(settings, *keys: str) -> None:
    for key in keys:
        os.utime(_root(settings) / key, (HOURS_AGO, HOURS_AGO))


def _sweep(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("blobs", "sweep", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def leftovers(settings, studio, admin_user, image_bytes) -> dict[str, str]:
    """An uploaded blob, bytes (and a thumbnail) stored by a process that crashed before its append, a partial
    file left by a writer killed while storing, all two hours old; and a young unreferenced file."""
    held = blob_store(actor=admin_user, studio_id=str(studio.id), data=image_bytes(1)).sha256
    orphan, young = (hashlib.sha256(image_bytes(seed)).hexdigest() for seed in (2, 3))
    storage_put(blob_key(orphan), image_bytes(2))
    storage_put(thumbnail_key(orphan), b"thumbnail")
    storage_put(blob_key(young), image_bytes(3))
    partial = str(Path(blob_key(orphan)).parent / ".partial-k1ll3d")
    (_root(settings) / partial).write_bytes(b"half")
    _age(settings, blob_key(held), thumbnail_key(held), blob_key(orphan), thumbnail_key(orphan), partial)
    return {"held": held, "orphan": orphan, "young": young, "partial": partial}


def test_a_dry_run_lists_unreferenced_and_partial_files_and_removes_nothing(settings, leftovers, image_bytes):
    # given
    orphan, before = leftovers["orphan"], _files(settings)
    # when
    lines = _sweep()
    # then
    assert lines == [
        f"would remove {leftovers['partial']} (partial, 4 bytes)",
        f"would remove {blob_key(orphan)} (unreferenced, {len(image_bytes(2))} bytes)",
        f"would remove {thumbnail_key(orphan)} (unreferenced, 9 bytes)",
        f"would remove 3 files, {len(image_bytes(2)) + 13} bytes (a dry run: pass --apply)",
    ]
    assert _files(settings) == before


def test_applying_the_sweep_keeps_referenced_and_young_files(settings, leftovers, image_bytes):
    # given
    held, young = leftovers["held"], leftovers["young"]
    # when
    lines = _sweep("--apply")
    # then
    assert lines[-1] == f"removed 3 files, {len(image_bytes(2)) + 13} bytes"
    assert _files(settings) == sorted([blob_key(held), thumbnail_key(held), blob_key(young)])
    assert list(Blob.objects.values_list("sha256", flat=True)) == [held]


def test_a_shorter_grace_period_takes_young_files_too(settings, leftovers):
    # when
    lines = _sweep("--apply", "--older-than", "0")
    # then
    assert f"removed {blob_key(leftovers['young'])} (unreferenced, " in "\n".join(lines)
    assert _files(settings) == sorted([blob_key(leftovers["held"]), thumbnail_key(leftovers["held"])])


def test_an_empty_storage_has_nothing_to_sweep():
    # when
    lines = _sweep()
    # then
    assert lines == ["would remove 0 files, 0 bytes"]
