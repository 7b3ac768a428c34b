from __future__ import annotations

import io
import json
import struct
import zlib

import c2pa
import pytest

import eventlog
from assets.models import Blob
from eventlog.canonical import sha256_hex
from generation import services
from generation.credentials import DIGITAL_SOURCE_TYPE, content_sha256, sign_png, signing_keys, verify_png
from generation.devca import KEY_FILE, _issue, dev_chain
from generation.models import JobItem, Render
from generation.rendering import manifest_backend, read_blob, read_reference, render_png

pytestmark = pytest.mark.django_db


def rendered(admin_user, make_episode, previz_model, shots=1):
    episode = make_episode(previz_model, shots=shots)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    for item in JobItem.objects.filter(job_id=job.id):
        services.job_item_run(job_id=str(job.id), index=item.index)
    return Render.objects.get() if shots == 1 else list(Render.objects.all())


def chunks(png: bytes) -> list[tuple[bytes, int, int]]:
    found, position = [], 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position:position + 4])
        found.append((png[position + 4:position + 8], position, length + 12))
        position += length + 12
    return found


def with_one_pixel_changed(png: bytes) -> bytes:
    """Flip one bit of one pixel inside the compressed image data, keeping every other chunk as it is."""
    kind, start, size = next(c for c in chunks(png) if c[0] == b"IDAT")
    raw = bytearray(zlib.decompress(png[start + 8:start + size - 4]))
    raw[10] ^= 1  # row 0 begins with its filter byte; byte 10 is a colour sample
    data = zlib.compress(bytes(raw))
    chunk = struct.pack(">I", len(data)) + b"IDAT" + data + struct.pack(">I", zlib.crc32(b"IDAT" + data))
    return png[:start] + chunk + png[start + size:]


def test_a_render_png_is_signed_trusted_under_the_development_anchor(admin_user, make_episode, previz_model):
    # given
    render = rendered(admin_user, make_episode, previz_model)
    # when
    png = read_blob(render.image_sha256)
    report = verify_png(png)
    # then
    assert (report["state"], report["manifest_hash"]) == ("trusted", render.manifest_hash)
    assert [i["code"] for i in report["issues"]] == ["signingCredential.ocsp.skipped"]
    assert signing_keys().development is True


def test_the_credentials_say_created_by_a_trained_model_with_the_references_as_ingredients(
        admin_user, make_episode, previz_model):
    # given
    render = rendered(admin_user, make_episode, previz_model)
    # when
    reader = c2pa.Reader("image/png", io.BytesIO(read_blob(render.image_sha256)))
    store = json.loads(reader.json())
    manifest = store["manifests"][store["active_manifest"]]
    # then
    actions = next(a for a in manifest["assertions"] if a["label"].startswith("c2pa.actions"))["data"]["actions"]
    assert (actions[0]["action"], actions[0]["digitalSourceType"]) == ("c2pa.created", DIGITAL_SOURCE_TYPE)
    references = render.manifest["request"]["references"]
    assert [i["relationship"] for i in manifest["ingredients"]] == ["inputTo"] * len(references) != []
    assert [i["instance_id"] for i in manifest["ingredients"]] == [f"sha256:{r['sha256']}" for r in references]
    ours = next(a for a in manifest["assertions"] if a["label"] == "org.continuity.render")["data"]
    assert ours == {"manifest_hash": render.manifest_hash, "manifest": render.manifest}


def test_without_the_anchor_the_signature_is_valid_but_untrusted(admin_user, make_episode, previz_model):
    # given
    render = rendered(admin_user, make_episode, previz_model)
    # when
    report = verify_png(read_blob(render.image_sha256), anchors=None)
    # then
    assert report["state"] == "valid"
    assert "signingCredential.untrusted" in [i["code"] for i in report["issues"]]


def test_one_changed_pixel_makes_the_credentials_invalid(admin_user, make_episode, previz_model):
    # given
    render = rendered(admin_user, make_episode, previz_model)
    tampered = with_one_pixel_changed(read_blob(render.image_sha256))
    # when
    report = verify_png(tampered)
    # then
    assert report["state"] == "invalid"
    assert "assertion.dataHash.mismatch" in [i["code"] for i in report["issues"]]


def test_the_content_hash_is_the_png_before_signing_so_reproduction_still_matches(
        admin_user, make_episode, previz_model):
    # given
    render = rendered(admin_user, make_episode, previz_model)
    signed = read_blob(render.image_sha256)
    # when
    unsigned = render_png(render.manifest, render.manifest_hash, manifest_backend(render.manifest, previz_model))
    # then
    assert sha256_hex(signed) == render.image_sha256 != sha256_hex(unsigned)
    assert content_sha256(signed) == sha256_hex(unsigned) == content_sha256(unsigned)
    again = sign_png(unsigned, manifest=render.manifest, manifest_hash=render.manifest_hash, read_blob=read_reference)
    assert again != signed and content_sha256(again) == content_sha256(signed)


def test_the_provenance_api_reports_the_credentials_beside_the_log(api, admin_user, make_episode, previz_model):
    # given
    render = rendered(admin_user, make_episode, previz_model)
    position = next(e.position for e in eventlog.read_after(0) if e.type == "RenderSucceeded")
    # when
    body = api.get(f"/api/renders/{render.id}/provenance/").json()
    # then
    assert body["c2pa"]["state"] == "trusted"
    assert body["log"] == {"ok": True, "position": position, "manifest_hash": render.manifest_hash}
    assert body["ok"] is True


def test_an_unsigned_png_has_no_credentials(admin_user, make_episode, previz_model):
    # given
    render = rendered(admin_user, make_episode, previz_model)
    unsigned = render_png(render.manifest, render.manifest_hash, manifest_backend(render.manifest, previz_model))
    # when
    report = verify_png(unsigned)
    # then
    assert (report["state"], [i["code"] for i in report["issues"]]) == ("none", ["manifest.notFound"])


def test_a_refused_render_signs_and_stores_nothing(api, admin_user, make_episode, previz_model, harbour_cast,
                                                   no_new_events, monkeypatch):
    # given a shot pinning a draft version
    from assets.services import asset_version_create
    from generation.services import worker

    signed = []
    monkeypatch.setattr(worker, "sign_png", lambda png, **kw: signed.append(png) or png)
    draft = asset_version_create(actor=admin_user, asset_id=str(harbour_cast["mei"].id), expected_version=1,
                                 attributes={"description": "older"})
    episode = make_episode(previz_model, shots=1, cast=[{"asset": str(harbour_cast["mei"].id),
                                                         "version": draft.number}])
    blobs = Blob.objects.count()
    # when
    with no_new_events():
        response = api.post(f"/api/episodes/{episode.id}/render/")
    # then
    assert response.status_code == 422
    assert (signed, Blob.objects.count(), Render.objects.count()) == ([], blobs, 0)


def test_a_studio_chain_from_settings_signs_and_only_its_own_anchor_trusts_it(
        settings, tmp_path, admin_user, make_episode, previz_model):
    # given a studio's chain installed through settings
    root, chain, key = _issue()
    for name, data in {"root.pem": root, "chain.pem": chain, "key.pem": key}.items():
        (tmp_path / name).write_bytes(data)
    settings.C2PA_CERT_CHAIN, settings.C2PA_PRIVATE_KEY = str(tmp_path / "chain.pem"), str(tmp_path / "key.pem")
    settings.C2PA_TRUST_ANCHORS = str(tmp_path / "root.pem")
    # when
    render = rendered(admin_user, make_episode, previz_model)
    png = read_blob(render.image_sha256)
    # then
    assert signing_keys().development is False
    assert verify_png(png)["state"] == "trusted"
    assert verify_png(png, anchors=dev_chain(settings.C2PA_DEV_DIR).root.read_bytes())["state"] == "valid"
    assert key not in json.dumps([e.payload.__dict__ for e in eventlog.read_after(0)], default=str).encode()
    assert "PRIVATE" not in repr(signing_keys())


def test_the_development_chain_is_made_once_with_the_signing_key_alone_and_private(tmp_path):
    # when
    chain = dev_chain(tmp_path / "dev")
    again = dev_chain(tmp_path / "dev")
    # then
    assert again == chain and chain.key.name == KEY_FILE
    assert sorted(p.name for p in (tmp_path / "dev").iterdir()) == [
        "README.txt", "root-ca.pem", "signing-chain.pem", "signing-key.pem"]
    assert chain.key.stat().st_mode & 0o077 == 0
    assert b"PRIVATE KEY" not in chain.chain.read_bytes() + chain.root.read_bytes()
    assert "DEVELOPMENT ONLY" in (tmp_path / "dev" / "README.txt").read_text()


def test_a_reference_with_credentials_of_its_own_brings_its_manifest_as_the_ingredients(
        admin_user, make_episode, previz_model):
    # given a render whose first reference is itself a signed render
    render = rendered(admin_user, make_episode, previz_model)
    signed_reference = read_blob(render.image_sha256)
    references = render.manifest["request"]["references"]
    blobs = {r["sha256"]: read_reference(r["sha256"]) for r in references}
    blobs[references[0]["sha256"]] = signed_reference
    unsigned = render_png(render.manifest, render.manifest_hash, manifest_backend(render.manifest, previz_model))
    # when
    png = sign_png(unsigned, manifest=render.manifest, manifest_hash=render.manifest_hash, read_blob=blobs.__getitem__)
    # then
    store = json.loads(c2pa.Reader("image/png", io.BytesIO(png)).json())
    ingredients = store["manifests"][store["active_manifest"]]["ingredients"]
    declared_then_read = [*references[1:], references[0]]
    assert [i["instance_id"] for i in ingredients] == [f"sha256:{r['sha256']}" for r in declared_then_read]
    assert [bool(i.get("active_manifest")) for i in ingredients] == [False] * (len(references) - 1) + [True]
    assert verify_png(png)["state"] == "trusted"
