from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from generation.models import Job, Render, RenderModel
from generation.rendering import read_blob

pytestmark = pytest.mark.django_db


def call(*args, **kwargs) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **kwargs)
    return out.getvalue()


def test_render_and_reproduce_commands_render_an_episode_and_report_identical_output(make_user, tmp_path):
    # given
    from episodes.models import Episode

    call("demo")
    episode = Episode.objects.order_by("number").first()
    # when
    rendered = call("render", str(episode.id), "--user", "demo-artist")
    reproduced = call("reproduce", str(episode.id), "--user", "demo-artist")
    # then
    job = Job.objects.get(kind="render")
    assert (job.status, job.done, job.total) == ("succeeded", 5, 5)
    assert f"job {str(job.id)[:8]} (render): succeeded, 5/5 shot(s)" in rendered
    assert "identical 5, different 0" in reproduced


def test_provenance_checks_a_render_against_the_log(admin_user, make_episode, previz_model, tmp_path):
    # given
    from generation.services import episode_render

    episode = make_episode(previz_model, shots=1)
    call("render", str(episode.id), "--user", admin_user.username)
    render = Render.objects.get()
    png = tmp_path / "render.png"
    png.write_bytes(read_blob(render.image_sha256))
    # when
    output = call("provenance", str(png))
    # then
    assert output.splitlines() == [
        f"{png}:",
        "  ok   content credentials: trusted, signingCredential.ocsp.skipped",
        f"  ok   embedded manifest: manifest hash {render.manifest_hash}",
        "  ok   credentials name the manifest: same manifest hash",
        output.splitlines()[4],
        "  ok   manifest matches the log: same manifest",
        f"  ok   image hash: {render.image_sha256}",
        f"render {render.id} of ep01-sh01 'Shot 1' revision 1",
    ]
    assert output.splitlines()[4].startswith("  ok   render in the log: event ")
    # by render id too: the same checks, only the first line names the source
    assert call("provenance", str(render.id), "--user", admin_user.username).splitlines()[1:] == output.splitlines()[1:]
    assert episode_render  # the CLI used the same service


def test_provenance_fails_for_an_altered_file(admin_user, make_episode, previz_model, tmp_path):
    # given a render whose pixels were altered but whose text chunks were kept
    from PIL import Image, ImageOps, PngImagePlugin

    episode = make_episode(previz_model, shots=1)
    call("render", str(episode.id), "--user", admin_user.username)
    original = Path(tmp_path / "a.png")
    original.write_bytes(read_blob(Render.objects.get().image_sha256))
    with Image.open(original) as image:
        info = PngImagePlugin.PngInfo()
        for key, value in image.text.items():
            info.add_itxt(key, value)
        ImageOps.invert(image.convert("RGB")).save(tmp_path / "b.png", pnginfo=info)
    # when / then
    with pytest.raises(CommandError, match="provenance check failed"):
        call("provenance", str(tmp_path / "b.png"))


def test_the_model_register_command_registers_previz(studio, admin_user):
    # when
    output = call("model", "register", "--studio", str(studio.id), "--name", "pv", "--backend", "previz",
                  "--user", admin_user.username)
    # then
    model = RenderModel.objects.get(name="pv")
    assert output == f"registered pv v1 ({model.id}) fingerprint {model.fingerprint}\n"


def test_the_rerender_command_plans_approves_and_executes(admin_user, harbour_cast, make_episode, previz_model):
    # given
    from assets.services import asset_version_approve, asset_version_create, asset_version_submit

    episode = make_episode(previz_model, shots=1)
    call("render", str(episode.id), "--user", admin_user.username)
    mei = harbour_cast["mei"]
    asset_version_create(actor=admin_user, asset_id=str(mei.id), expected_version=1, attributes={"description": "v2"})
    asset_version_submit(actor=admin_user, asset_id=str(mei.id), number=2)
    asset_version_approve(actor=admin_user, asset_id=str(mei.id), number=2)
    # when
    import json

    plan = json.loads(call("rerender", "plan", str(mei.id), "--user", admin_user.username, "--json"))
    call("rerender", "approve", plan["id"], "--user", admin_user.username)
    executed = call("rerender", "execute", plan["id"], "--user", admin_user.username)
    # then
    assert plan["renders"] == 1
    assert "(rerender): succeeded, 1/1 shot(s)" in executed
    assert Render.objects.count() == 2
