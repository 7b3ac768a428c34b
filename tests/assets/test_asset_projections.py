from __future__ import annotations

import pytest

import eventlog
from assets import services
from assets.models import Asset, AssetVersion, Blob, BlobGrant, ComponentEdge

pytestmark = pytest.mark.django_db


def _library(make_asset, upload, admin_user, studio, make_user):
    """Build a library touching every handler: versions, pins, every review step, shared blobs."""
    from studios.services import studio_create

    sha = upload(1)
    coat = make_asset("Coat", kind="costume", attributes={"garments": ["coat"], "palette": ["#123"]})
    mara = make_asset("Mara", attributes={"description": "keeper", "tags": ["lead"], "age_range": {"min": 1, "max": 2}},
                      references=[sha], components=[{"asset": str(coat.id), "version": 1}])
    services.asset_version_create(actor=admin_user, asset_id=str(mara.id), expected_version=1,
                                  attributes={"description": "older"}, derived_from={"asset": str(mara.id),
                                                                                     "version": 1})
    for number in (1, 2):
        services.asset_version_submit(actor=admin_user, asset_id=str(mara.id), number=number)
        services.asset_version_approve(actor=admin_user, asset_id=str(mara.id), number=number)
    services.asset_version_retire(actor=admin_user, asset_id=str(mara.id), number=2)
    services.asset_version_submit(actor=admin_user, asset_id=str(coat.id), number=1)
    services.asset_version_reject(actor=admin_user, asset_id=str(coat.id), number=1, comment="too shiny")
    otto = make_user("otto")
    other = studio_create(actor=otto, name="Other")
    return mara, coat, sha, otto, other


def test_every_asset_read_model_equals_a_rebuild_from_the_log(make_asset, upload, admin_user, studio, make_user,
                                                              image_bytes, rebuilt_equals_live):
    # given
    mara, coat, sha, otto, other = _library(make_asset, upload, admin_user, studio, make_user)
    services.blob_store(actor=otto, studio_id=str(other.id), data=image_bytes(1))
    # then the live rows are what we expect…
    assert Asset.objects.get(pk=mara.id).approved_version == 1
    assert AssetVersion.objects.get(pk=f"{coat.id}:1").status == "rejected"
    assert ComponentEdge.objects.count() == 2
    assert (Blob.objects.count(), BlobGrant.objects.count()) == (1, 2)
    # …and a rebuild from position 0 reproduces them exactly
    rebuilt_equals_live()
    assert eventlog.replay_check(only=["assets"]) is None
    assert eventlog.replay_check(only=["blobs"]) is None


def test_a_real_rebuild_restores_the_tables(make_asset, upload, admin_user, studio, make_user):
    # given
    _library(make_asset, upload, admin_user, studio, make_user)
    before = {m: sorted(m.objects.values_list("pk", flat=True)) for m in (Asset, AssetVersion, ComponentEdge, Blob)}
    # when
    eventlog.replay(only=["assets", "blobs"])
    # then
    assert {m: sorted(m.objects.values_list("pk", flat=True)) for m in before} == before
