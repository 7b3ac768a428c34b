from __future__ import annotations

import io
import xml.etree.ElementTree as ElementTree
import zipfile

import av
import opentimelineio as otio
import pytest

import eventlog
from delivery.exporters import make_export
from delivery.models import Export
from delivery.services import cut_shots, export_run
from generation.models import Render
from generation.rendering import read_blob

pytestmark = pytest.mark.django_db

FRAMES = [24, 12, 48]  # 1.0 s, 0.5 s and the default 2.0 s at 24 fps
NAMES = ["E01_SH010 r1", "E01_SH020 r1", "E01_SH030 r1"]


def renders_in_order(cut):
    by_shot = {r.shot_id: r for r in Render.objects.all()}
    return [by_shot[s["shot"]] for s in cut.shots]


def read_timeline(body, adapter):
    return otio.adapters.read_from_string(read_blob(body["blob"]).decode("utf-8"), adapter)


def clips(timeline):
    return [(c.name, c.duration().to_frames(), c.duration().rate, [m.name.upper() for m in c.markers])
            for c in timeline.find_clips()]


def test_an_otio_export_has_one_clip_per_shot_with_its_duration_and_metadata(make_cut, exported):
    # given
    cut = make_cut()
    # when
    body = exported(cut, "otio")
    # then
    timeline = read_timeline(body, "otio_json")
    assert (body["status"], body["format"], body["done"], body["total"]) == ("succeeded", "otio", 3, 3)
    assert clips(timeline) == [(n, f, 24.0, [n.upper()]) for n, f in zip(NAMES, FRAMES, strict=True)]
    assert timeline.duration().to_frames() == sum(FRAMES)
    renders = renders_in_order(cut)
    assert [c.metadata["continuity"]["render"] for c in timeline.find_clips()] == [str(r.id) for r in renders]
    assert [c.metadata["continuity"]["manifest_hash"] for c in timeline.find_clips()] == [
        r.manifest_hash for r in renders]
    assert [(c.metadata["continuity"]["shot"], c.metadata["continuity"]["revision"])
            for c in timeline.find_clips()] == [(s["shot"], s["revision"]) for s in cut.shots]
    assert timeline.metadata["continuity"]["cut_hash"] == cut.hash


def test_an_otioz_carries_the_signed_renders_as_its_media(make_cut, exported, tmp_path):
    # given
    cut = make_cut()
    # when
    body = exported(cut, "otioz")
    # then
    path = tmp_path / "cut.otioz"
    path.write_bytes(read_blob(body["blob"]))
    timeline = otio.adapters.read_from_file(str(path))
    assert clips(timeline) == [(n, f, 24.0, [n.upper()]) for n, f in zip(NAMES, FRAMES, strict=True)]
    with zipfile.ZipFile(path) as bundle:
        media = [bundle.read(c.media_reference.target_url) for c in timeline.find_clips()]
    assert media == [read_blob(r.image_sha256) for r in renders_in_order(cut)]


def test_an_edl_parses_back_with_the_names_durations_and_markers(make_cut, exported):
    # given
    cut = make_cut()
    # when
    body = exported(cut, "edl")
    # then
    timeline = read_timeline(body, "cmx_3600")
    assert clips(timeline) == [(n, f, 24.0, [n.upper()]) for n, f in zip(NAMES, FRAMES, strict=True)]
    assert "* FROM CLIP NAME:  E01_SH010 r1" in read_blob(body["blob"]).decode()
    assert [c.metadata["cmx_3600"]["reel"] for c in timeline.find_clips()] == ["E01SH010", "E01SH020", "E01SH030"]
    assert body["content_type"] == "text/plain"


@pytest.mark.parametrize(("format", "adapter"), [("fcp7xml", "fcp_xml"), ("fcpxml", "fcpx_xml")])
def test_fcp_xml_exports_parse_back_with_the_names_and_durations(make_cut, exported, format, adapter):
    # given
    cut = make_cut()
    # when
    body = exported(cut, format)
    # then
    ElementTree.fromstring(read_blob(body["blob"]))  # well-formed XML
    timeline = read_timeline(body, adapter)
    assert clips(timeline) == [(n, f, 24.0, [n.upper()]) for n, f in zip(NAMES, FRAMES, strict=True)]


def test_the_animatic_decodes_to_the_cuts_duration_times_fps_and_a_second_export_is_identical(make_cut, exported):
    # given
    cut = make_cut()
    # when
    body = exported(cut, "mp4")
    # then
    data = read_blob(body["blob"])
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        frames = list(container.decode(stream))
        assert (stream.codec_context.name, stream.average_rate) == ("h264", 24)
    assert len(frames) == sum(FRAMES) == body["total"]
    assert (frames[0].width, frames[0].height) == (1280, 720)
    export = Export.objects.get(pk=body["id"])
    again = make_export("mp4", name="again", shots=export.shots, metadata={}, options=export.options,
                        read_blob=read_blob, progress=lambda done, total: None)
    assert again.data == data
    details = body["details"]
    assert (details["codec"], details["frames"], details["burn_in"]) == ("libx264", sum(FRAMES), True)
    assert details["pyav"] == av.__version__ and "libavcodec" in details["libraries"]


def test_burn_in_draws_the_shot_code_on_the_frames(make_cut):
    # given
    cut = make_cut((0.5,))
    export_shots = cut_shots(cut)
    # when
    made = {burn: make_export("mp4", name="a", shots=export_shots, metadata={}, options={"burn_in": burn},
                              read_blob=read_blob, progress=lambda done, total: None).data for burn in (True, False)}
    # then
    first = {}
    for burn, data in made.items():
        with av.open(io.BytesIO(data)) as container:
            first[burn] = next(container.decode(video=0)).to_ndarray(format="rgb24")
    corner = (slice(0, 60), slice(0, 240))  # where the label goes, left of the letterboxed square picture
    assert first[True][corner].max() > 200 and first[False][corner].max() < 40  # letterbox black without it


def test_exporting_the_same_cut_in_the_same_format_returns_the_existing_export(api, make_cut, exported):
    # given
    cut = make_cut()
    first = exported(cut, "otio")
    before = eventlog.head_position()
    # when
    response = api.post(f"/api/cuts/{cut.id}/exports/", {"format": "otio"}, format="json")
    # then
    assert response.status_code == 202
    assert (response.json()["export"]["id"], response.json()["export"]["blob"]) == (first["id"], first["blob"])
    assert eventlog.head_position() == before
    assert b"".join(api.get(f"/api/blobs/{first['blob']}/").streaming_content) == read_blob(first["blob"])


def test_a_cut_with_an_unrendered_shot_is_refused(api, make_cut, no_new_events):
    # given
    cut = make_cut(render=False)
    # when
    with no_new_events():
        response = api.post(f"/api/cuts/{cut.id}/exports/", {"format": "edl"}, format="json")
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "shot_not_rendered"
    assert len(response.json()["extra"]["missing"]) == 3
    assert Export.objects.count() == 0


def test_an_unknown_format_another_studio_and_a_viewer_are_refused(api, client_for, make_user, member, make_cut,
                                                                   no_new_events):
    # given
    cut = make_cut()
    stranger, viewer = client_for(make_user("stranger")), client_for(member("vera", "viewer"))
    # when
    with no_new_events():
        unknown = api.post(f"/api/cuts/{cut.id}/exports/", {"format": "avi"}, format="json")
        hidden = stranger.post(f"/api/cuts/{cut.id}/exports/", {"format": "edl"}, format="json")
        forbidden = viewer.post(f"/api/cuts/{cut.id}/exports/", {"format": "edl"}, format="json")
    # then
    assert (unknown.status_code, hidden.status_code, forbidden.status_code) == (400, 404, 403)


def test_the_export_events_rebuild_the_same_read_model(make_cut, exported, rebuilt_equals_live, event_types):
    # given
    cut = make_cut()
    before = eventlog.head_position()
    # when
    exported(cut, "edl")
    # then
    assert event_types(before) == ["ExportRequested", "BlobStored", "ExportSucceeded"]
    rebuilt_equals_live()


def test_the_job_of_an_export_is_shown_at_the_jobs_endpoint_too(api, client_for, make_user, make_cut):
    # given
    cut = make_cut()
    response = api.post(f"/api/cuts/{cut.id}/exports/", {"format": "edl"}, format="json")
    job = response.json()["job"]
    queued = api.get(f"/api/jobs/{job}/").json()
    # when
    export_run(export_id=response.json()["export"]["id"])
    done = api.get(f"/api/jobs/{job}/").json()
    # then
    assert (queued["kind"], queued["status"], queued["export"]) == ("export", "queued", response.json()["export"]["id"])
    assert (done["status"], done["done"], done["total"]) == ("succeeded", 3, 3)
    assert done["result"]["blob"] == api.get(f"/api/exports/{job}/").json()["blob"]
    assert client_for(make_user("stranger")).get(f"/api/jobs/{job}/").status_code == 404


def test_a_failed_export_is_recorded_and_asking_again_queues_it_again(api, make_cut, monkeypatch):
    # given an export whose renders cannot be read
    from delivery import services

    cut = make_cut()
    response = api.post(f"/api/cuts/{cut.id}/exports/", {"format": "otioz"}, format="json")
    export_id = response.json()["export"]["id"]

    def unreadable(sha256):
        raise FileNotFoundError(f"blob {sha256} is gone")

    monkeypatch.setattr(services, "read_blob", unreadable)
    export_run(export_id=export_id)
    failed = api.get(f"/api/exports/{export_id}/").json()
    monkeypatch.undo()
    # when
    again = api.post(f"/api/cuts/{cut.id}/exports/", {"format": "otioz"}, format="json").json()["export"]
    export_run(export_id=export_id)
    # then
    assert (failed["status"], failed["blob"]) == ("failed", None) and "is gone" in failed["error"]
    assert (again["id"], again["status"]) == (export_id, "queued")
    assert api.get(f"/api/exports/{export_id}/").json()["status"] == "succeeded"


def test_a_second_delivery_of_the_message_records_nothing(make_cut, exported, no_new_events):
    # given
    cut = make_cut()
    body = exported(cut, "edl")
    # when / then
    with no_new_events():
        export_run(export_id=body["id"])
