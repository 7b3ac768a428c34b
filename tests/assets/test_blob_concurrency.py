"""A writer making a file durable holds no lock: other studios' writes commit meanwhile (real threads)."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection

from assets.models import Asset, Blob
from assets.services import asset_create, blob_store
from studios.services import studio_create
from tests.threads import in_thread

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 10  # seconds: far longer than any write here takes, short enough to fail rather than hang


def _open_transactions() -> int:
    """Count the other connections inside a transaction (PostgreSQL), which is where a lock would be held."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%%'")
        return cursor.fetchone()[0]


def test_an_upload_held_in_its_fsync_lets_another_studios_writes_commit(studio, admin_user, make_user, image_bytes,
                                                                        monkeypatch):
    # given an upload in one studio held inside the fsync that makes its file durable
    otto = make_user("otto")
    in_fsync, release, real_fsync = threading.Event(), threading.Event(), os.fsync

    def held_fsync(handle: int) -> None:
        in_fsync.set()
        release.wait(WAIT)
        real_fsync(handle)

    monkeypatch.setattr(os, "fsync", held_fsync)
    upload, uploaded = in_thread(lambda: blob_store(actor=admin_user, studio_id=str(studio.id), data=image_bytes(1)))
    assert in_fsync.wait(WAIT)
    try:
        open_transactions = _open_transactions() if connection.vendor == "postgresql" else 0
        # when another studio is created and given an asset meanwhile
        write, written = in_thread(lambda: asset_create(
            actor=otto, studio_id=str(studio_create(actor=otto, name="Other Films").id), kind="prop", name="Oar",
            attributes={"description": "an oar"}))
        write.join(WAIT)
        committed_while_held = not write.is_alive()
    finally:
        release.set()
        upload.join(WAIT)
    # then the other studio's writes committed while the upload was still in its fsync, which held no transaction
    assert (committed_while_held, open_transactions) == (True, 0)
    assert isinstance(written[0], Asset) and Asset.objects.filter(name="Oar").exists()
    assert isinstance(uploaded[0], Blob) and Blob.objects.filter(pk=uploaded[0].sha256).exists()
