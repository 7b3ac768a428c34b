"""Every command of the README's table, run as from a shell (argv in, exit code out), with a good and a bad argument.

Exit codes: 0 done, 1 refused, 2 usage (a bad option, or an argument that names nothing).
`serve` is run for real by tests/test_walkthrough.py, `rundramatiq` by tests/generation/test_worker_processes.py.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from django.core.management import ManagementUtility
from django.db import connections

from assets.models import Asset, AssetVersion
from generation.models import Render, RerenderPlan

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Return a runner of `manage.py ARGV…` in this process: (exit code, stdout, stderr)."""
    # A command run from argv closes every connection when it ends, which would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    monkeypatch.delenv("CONTINUITY_USER", raising=False)

    def run(*argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                ManagementUtility(["manage.py", *argv]).execute()
                code = 0
            except SystemExit as stop:
                code = int(stop.code or 0)
        return code, out.getvalue(), err.getvalue()

    return run


@pytest.fixture
def demo(cli: Cli) -> dict[str, Any]:
    """The demo studio, loaded by the command itself."""
    code, out, _err = cli("demo")
    assert code == 0, out
    return {"mei": Asset.objects.get(name="Mei")}


def _approve_mei_v2() -> None:
    from django.contrib.auth import get_user_model

    from assets.services import asset_version_approve, asset_version_submit

    User, mei = get_user_model(), Asset.objects.get(name="Mei")
    asset_version_submit(actor=User.objects.get(username="demo-artist"), asset_id=str(mei.id), number=2)
    asset_version_approve(actor=User.objects.get(username="demo-supervisor"), asset_id=str(mei.id), number=2)


def test_demo_loads_and_a_bad_option_is_a_usage_error(cli: Cli) -> None:
    # when
    good = cli("demo")
    bad = cli("demo", "--if-emtpy")
    # then
    assert good[0] == 0 and "demo user demo-admin (admin), password 'harbour-lights-dev-only'" in good[1]
    assert bad[0] == 2 and "unrecognized arguments: --if-emtpy" in bad[2]


def test_serve_refuses_a_port_that_is_not_a_number(cli: Cli) -> None:
    # when
    code, _out, err = cli("serve", "--port", "eighty")
    # then
    assert code == 2 and "argument --port: invalid int value: 'eighty'" in err


def test_rundramatiq_refuses_a_process_count_that_is_not_a_number(cli: Cli) -> None:
    # when
    code, _out, err = cli("rundramatiq", "--processes", "many")
    # then
    assert code == 2 and "invalid int value: 'many'" in err


def test_asset_import_loads_the_examples_and_names_a_missing_folder(cli: Cli, demo: dict[str, Any]) -> None:
    # when
    good = cli("asset", "import", str(ROOT / "examples"), "--studio", "Harbour Lights", "--user", "demo-artist",
               "--no-progress")
    missing = cli("asset", "import", "/nonexistent", "--studio", "Harbour Lights", "--user", "demo-artist")
    no_studio = cli("asset", "import", str(ROOT / "examples"), "--studio", "Nowhere", "--user", "demo-artist")
    # then
    assert good[0] == 0 and good[1].startswith("created 3, versioned 0, unchanged 0 in ")
    assert good[2].startswith("acting as demo-artist (--user)")
    assert missing[0] == 2 and "No file or folder '/nonexistent' to import" in missing[2]
    assert "{" not in missing[2]
    assert no_studio[0] == 2 and "No studio 'Nowhere' in the studios of demo-artist" in no_studio[2]


def test_asset_import_refuses_an_entry_the_rules_refuse_with_exit_1(cli: Cli, demo: dict[str, Any],
                                                                     tmp_path: Path) -> None:
    # given
    (tmp_path / "assets.yaml").write_text("- {kind: prop, name: Lamp, attributes: {wattage: 60}}\n")
    # when
    code, _out, err = cli("asset", "import", str(tmp_path), "--studio", "Harbour Lights", "--user", "demo-artist")
    # then
    assert code == 1 and "refused (invalid)" in err and "attributes.wattage" in err


def test_asset_show_finds_an_asset_by_name_code_or_id_and_names_what_it_did_not_find(
    cli: Cli, demo: dict[str, Any],
) -> None:
    # when
    by_name = cli("asset", "show", "mei", "--user", "demo-artist")
    by_code = cli("asset", "show", "red-coat", "--user", "demo-artist")
    by_id = cli("asset", "show", str(demo["mei"].id), "--user", "demo-artist", "--json")
    unknown = cli("asset", "show", "Meiko", "--user", "demo-artist")
    # then
    assert by_name[0] == 0 and by_name[1].splitlines()[0] == "Mei (character) in Harbour Lights: latest v2, approved v1"
    assert by_name[1].splitlines()[5].split()[:2] == ["v2", "draft"]
    assert by_code[0] == 0 and by_code[1].startswith("Red Coat (costume)")
    assert by_id[0] == 0 and [v["status"] for v in json.loads(by_id[1])["versions"]] == ["approved", "draft"]
    assert unknown[0] == 2
    assert "No asset 'Meiko' in the studios of demo-artist (looked up by id, code" in unknown[2]


def test_an_ambiguous_name_lists_the_candidates(cli: Cli, demo: dict[str, Any]) -> None:
    # given: a second studio of demo-admin's with its own Mei
    from django.contrib.auth import get_user_model

    from assets.services import asset_create
    from studios.services import studio_create

    admin = get_user_model().objects.get(username="demo-admin")
    other = studio_create(actor=admin, name="Second Unit")
    asset_create(actor=admin, studio_id=str(other.id), kind="character", name="Mei", attributes={})
    # when
    code, _out, err = cli("impact", "Mei", "--user", "demo-admin")
    # then
    assert code == 2
    assert "2 assets match the name 'Mei': give the id or a longer name." in err
    assert f"Mei (character, v2, Harbour Lights)  [{demo['mei'].id}]" in err
    assert "Mei (character, v1, Second Unit)  [" in err


def test_model_register_registers_previz_and_names_an_unknown_studio(cli: Cli, demo: dict[str, Any]) -> None:
    # when
    good = cli("model", "register", "--studio", "Harbour Lights", "--name", "previz", "--backend", "previz",
               "--user", "demo-admin")
    bad = cli("model", "register", "--studio", "Harbor Lights", "--name", "x", "--backend", "previz",
              "--user", "demo-admin")
    # then
    assert good[0] == 0 and good[1].startswith("already registered as previz v1 (")
    assert bad[0] == 2 and "No studio 'Harbor Lights' in the studios of demo-admin" in bad[2]


def test_render_prints_each_renders_image_path_and_hash_and_names_an_unknown_episode(
    cli: Cli, demo: dict[str, Any],
) -> None:
    # when
    good = cli("render", "ep01", "--user", "demo-artist")
    as_json = cli("render", "The Lantern", "--user", "demo-artist", "--json")
    bad = cli("render", "ep09", "--user", "demo-artist")
    no_user = cli("render", "ep01", "--user", "nobody")
    # then
    assert good[0] == 0
    lines = good[1].splitlines()
    assert lines[0].endswith("(render): succeeded, 5/5 shot(s)")
    assert lines[1].split() == ["shot", "title", "revision", "render", "image", "sha256", "clip"]
    assert sum("48 frames at 24 fps, video " in line for line in lines) == 1  # the demo's one clip
    first = Render.objects.get(pk__startswith=lines[3].split()[-3])
    assert lines[3].split()[:6] == ["ep01-sh01", "1.1", "Mei", "waits", "on", "the"]
    assert lines[3].split()[-1] == first.image_sha256
    assert Path(lines[3].split()[-2]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rendered = json.loads(as_json[1])["renders"]
    assert [r["code"] for r in rendered] == [f"ep01-sh0{n}" for n in range(1, 6)]
    assert bad[0] == 2 and "No episode 'ep09' in the studios of demo-artist (looked up by id, code (ep01" in bad[2]
    assert no_user[0] == 2 and "No user named 'nobody' (from --user)" in no_user[2]


def test_render_says_how_the_user_was_chosen(cli: Cli, demo: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
                                             settings: Any) -> None:
    # given: no --user; first from the environment, then the first superuser
    monkeypatch.setenv("CONTINUITY_USER", "demo-artist")
    from_env = cli("render", "ep02")
    monkeypatch.delenv("CONTINUITY_USER")
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="demo-admin").update(is_superuser=True)
    default = cli("render", "ep02")
    # then
    assert from_env[0] == 0 and from_env[2].startswith("acting as demo-artist ($CONTINUITY_USER)")
    assert default[0] == 0
    assert default[2].startswith("acting as demo-admin (the first superuser: no --user or $CONTINUITY_USER)")


def test_reproduce_reports_identical_per_shot_and_names_an_unknown_cut(cli: Cli, demo: dict[str, Any]) -> None:
    # given
    cli("render", "ep02", "--user", "demo-artist")
    # when
    good = cli("reproduce", "ep02", "--user", "demo-artist")
    bad = cli("reproduce", "ep02-cut7", "--user", "demo-artist")
    # then
    assert good[0] == 0 and "identical 4, different 0" in good[1]
    assert good[1].splitlines()[3].split()[:2] == ["ep02-sh01", "2.1"] and "identical" in good[1].splitlines()[3]
    assert bad[0] == 2 and "No cut 'ep02-cut7'" in bad[2]


def test_rerender_plans_approves_and_executes_by_name_and_short_id_and_refuses_an_artists_approval(
    cli: Cli, demo: dict[str, Any],
) -> None:
    # given
    cli("render", "ep01", "--user", "demo-artist")
    _approve_mei_v2()
    # when
    planned = cli("rerender", "plan", "Mei", "--episode", "ep01", "--user", "demo-artist")
    plan = RerenderPlan.objects.get()
    short = str(plan.id)[:8]
    by_artist = cli("rerender", "approve", short, "--user", "demo-artist")
    approved = cli("rerender", "approve", short, "--user", "demo-supervisor")
    executed = cli("rerender", "execute", short, "--user", "demo-artist", "--json")
    unknown = cli("rerender", "execute", "0123456789", "--user", "demo-artist")
    no_action = cli("rerender", "--user", "demo-artist")
    # then
    assert planned[0] == 0
    assert planned[1].splitlines()[0].startswith(f"plan {short} (proposed): Mei to v2, 4 shot(s) to re-render")
    assert planned[1].splitlines()[3].split() == ["ep01-sh01", "1.1", "Mei", "waits", "on", "the", "pier", "r1",
                                                  "v1", "→", "v2"]
    assert by_artist[0] == 1 and "refused (forbidden)" in by_artist[2] and "plan.approve" in by_artist[2]
    assert approved[0] == 0 and f"plan {short} (approved)" in approved[1]
    report = json.loads(executed[1])
    assert executed[0] == 0 and report["status"] == "executed"
    assert [r["code"] for r in report["job_report"]["renders"]] == ["ep01-sh01", "ep01-sh02", "ep01-sh04",
                                                                    "ep01-sh05"]
    assert unknown[0] == 2 and "No re-render plan '0123456789'" in unknown[2]
    assert no_action[0] == 2


def test_impact_lists_shots_by_number_and_title_and_names_an_unknown_asset(cli: Cli, demo: dict[str, Any]) -> None:
    # given
    _approve_mei_v2()
    # when
    good = cli("impact", "Mei", "--user", "demo-artist")
    bad = cli("impact", "Mai", "--user", "demo-artist")
    # then
    assert good[0] == 0
    assert good[1].splitlines()[0] == "Mei (character): 6 shot(s) in 2 episode(s) pin a version older than v2."
    assert good[1].splitlines()[3].split()[:2] == ["ep01-sh01", "1.1"]
    assert "v1 → v2" in good[1]
    assert bad[0] == 2 and "No asset 'Mai'" in bad[2]


def test_provenance_checks_a_render_by_code_or_file_and_explains_a_reference_image(
    cli: Cli, demo: dict[str, Any], tmp_path: Path,
) -> None:
    # given
    from generation.rendering import read_blob

    cli("render", "ep01", "--user", "demo-artist")
    render = Render.objects.order_by("created_at").first()
    assert render is not None
    png = tmp_path / "ep01-sh01-r1.png"
    png.write_bytes(read_blob(render.image_sha256))
    reference = tmp_path / "mei.png"
    reference.write_bytes(read_blob(AssetVersion.objects.get(asset=demo["mei"], number=1).references[0]))
    # when
    by_code = cli("provenance", "ep01-sh01-r1", "--user", "demo-artist")
    by_file = cli("provenance", str(png))
    of_reference = cli("provenance", str(reference), "--user", "demo-artist")
    missing = cli("provenance", str(tmp_path / "gone.png"))
    # then
    assert by_code[0] == 0 and by_code[1].splitlines()[-1] == (
        f"render {render.id} of ep01-sh01 '1.1 Mei waits on the pier' revision 1")
    assert by_file[0] == 0 and by_file[1].splitlines()[0] == f"{png}:"
    assert of_reference[0] == 1
    assert "this file is the reference image mei-v1-ref1 of an asset, not a render" in of_reference[1]
    assert missing[0] == 2 and "No file" in missing[2]


def test_eventlog_verifies_and_replays_and_refuses_an_unknown_action(cli: Cli, demo: dict[str, Any]) -> None:
    # when
    verified = cli("eventlog", "verify")
    checked = cli("eventlog", "replay", "--check")
    bad = cli("eventlog", "rebuild")
    # then
    assert verified[0] == 0 and verified[1].startswith("ok: ")
    assert checked[0] == 0 and checked[1] == "ok: live read models equal a rebuild from position 0\n"
    assert bad[0] == 2 and "invalid choice: 'rebuild'" in bad[2]


def test_blobs_sweep_lists_nothing_and_refuses_a_grace_that_is_not_a_number(cli: Cli, demo: dict[str, Any]) -> None:
    # when
    good = cli("blobs", "sweep")
    bad = cli("blobs", "sweep", "--older-than", "an hour")
    # then
    assert good == (0, "would remove 0 files, 0 bytes\n", "")
    assert bad[0] == 2 and "invalid int value: 'an hour'" in bad[2]
