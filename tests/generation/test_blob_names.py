"""Blob downloads carry a readable file name: a reference after its asset version, a render after its shot."""

from __future__ import annotations

from typing import Any

import pytest

from generation.models import Render

pytestmark = pytest.mark.django_db


def test_a_reference_downloads_as_asset_version_and_index(api: Any, harbour_cast: dict[str, Any]) -> None:
    # given
    from assets.models import AssetVersion

    reference = AssetVersion.objects.get(asset=harbour_cast["coat"], number=1).references[0]
    # when
    response = api.get(f"/api/blobs/{reference}/")
    # then
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="red-coat-v1-ref1.png"'


def test_a_render_downloads_as_episode_shot_and_revision(api: Any, admin_user: Any, make_episode: Any,
                                                         previz_model: Any) -> None:
    # given: the second shot of episode 1 rendered at its first revision
    from django.core.management import call_command

    episode = make_episode(previz_model, shots=2)
    call_command("render", str(episode.id), "--user", admin_user.username, stdout=None, stderr=None)
    second = Render.objects.get(shot_id__in=[s.id for s in episode.shots.filter(order=2)])
    # when
    response = api.get(f"/api/blobs/{second.image_sha256}/")
    # then
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="ep01-sh02-r1.png"'



def test_a_blob_of_another_type_takes_its_extension_from_the_mime_table() -> None:
    # given: a clip's MP4 and an export's zip that no namer knows
    from django.utils import timezone

    from assets.blob_names import blob_filename
    from assets.models import Blob

    def blob(content_type: str) -> Blob:
        return Blob(sha256="ab" * 32, content_type=content_type, width=0, height=0, size=1, created_at=timezone.now())

    # when / then
    assert blob_filename(blob("video/mp4"), []) == f"{'ab' * 8}.mp4"
    assert blob_filename(blob("application/zip"), []) == f"{'ab' * 8}.zip"
    assert blob_filename(blob("application/x-unknown"), []) == f"{'ab' * 8}.bin"
