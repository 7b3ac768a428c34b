from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

import eventlog
from assets.models import Asset, AssetVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(tmp_path: Path, image_bytes) -> Path:
    """A folder with assets.yaml and three reference images (one shared by two assets)."""
    (tmp_path / "mara").mkdir()
    (tmp_path / "mara" / "front.png").write_bytes(image_bytes(1))
    (tmp_path / "mara" / "side.jpg").write_bytes(image_bytes(2, fmt="JPEG"))
    (tmp_path / "coat.webp").write_bytes(image_bytes(3, fmt="WEBP"))
    entries = [
        {"kind": "character", "name": "Mara", "attributes": {"description": "Keeper", "palette": ["#102030"]},
         "references": ["mara/front.png", "mara/side.jpg"], "components": [{"name": "Coat", "kind": "costume"}]},
        {"kind": "costume", "name": "Coat", "attributes": {"garments": ["oilskin coat"]}, "references": ["coat.webp"]},
        {"kind": "character", "name": "Mara (young)", "attributes": {}, "references": ["mara/front.png"],
         "derived_from": {"name": "Mara", "version": 1}},
    ]
    (tmp_path / "assets.yaml").write_text(yaml.safe_dump({"assets": entries}))
    return tmp_path


def _import(source: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command("asset", "import", str(source), *extra, "--no-progress", stdout=out)
    return out.getvalue()


def test_importing_a_folder_creates_assets_in_dependency_order(library, studio, make_user):
    # given
    make_user("root", superuser=True)
    # when
    output = _import(library, "--studio", "Harbour Films")
    # then
    assert output.startswith("created 3, versioned 0, unchanged 0 in ")
    mara = Asset.objects.get(name="Mara")
    coat = Asset.objects.get(name="Coat")
    version = AssetVersion.objects.get(asset=mara, number=1)
    assert version.components == [{"asset": str(coat.id), "version": 1}]
    assert len(version.references) == 2
    assert version.created_by == "root"
    young = AssetVersion.objects.get(asset__name="Mara (young)", number=1)
    assert young.derived_from == {"asset": str(mara.id), "version": 1}
    assert young.references == version.references[:1]


def test_importing_again_changes_nothing_and_a_changed_entry_gets_a_new_version(library, studio, admin_user):
    # given
    _import(library, "--studio", str(studio.id), "--user", "ada")
    head = eventlog.head_position()
    # when
    unchanged = _import(library, "--studio", str(studio.id), "--user", "ada")
    assert eventlog.head_position() == head
    data = yaml.safe_load((library / "assets.yaml").read_text())
    data["assets"][1]["attributes"]["garments"].append("boots")
    (library / "assets.json").write_text(json.dumps(data))
    changed = _import(library / "assets.json", "--studio", str(studio.id), "--user", "ada")
    # then
    assert unchanged.startswith("created 0, versioned 0, unchanged 3")
    # the coat changed, and Mara (who pins the coat's latest version) follows it
    assert changed.startswith("created 0, versioned 2, unchanged 1")
    coat = Asset.objects.get(name="Coat")
    assert coat.latest_version == 2
    assert AssetVersion.objects.get(asset=coat, number=2).attributes == {"garments": ["oilskin coat", "boots"]}
    assert AssetVersion.objects.get(asset__name="Mara", number=2).components == [{"asset": str(coat.id),
                                                                                  "version": 2}]


def test_the_import_goes_through_the_same_validation_and_access_checks(library, studio, member, no_new_events):
    # given
    member("vic", "viewer")
    bad = library / "bad.yaml"
    bad.write_text(yaml.safe_dump([{"kind": "prop", "name": "Lamp", "attributes": {"wattage": 60}}]))
    escape = library / "escape.yaml"
    escape.write_text(yaml.safe_dump([{"kind": "prop", "name": "Lamp", "references": ["../../etc/passwd"]}]))
    # when / then
    with no_new_events():
        with pytest.raises(CommandError, match="attributes.wattage"):
            _import(bad, "--studio", str(studio.id), "--user", "ada")
        with pytest.raises(CommandError, match="not a file inside"):
            _import(escape, "--studio", str(studio.id), "--user", "ada")
        with pytest.raises(CommandError, match=r"may not do this \(blob.upload\)"):
            _import(library, "--studio", str(studio.id), "--user", "vic")
        with pytest.raises(CommandError, match="No studio 'Nowhere Films' in the studios of ada"):
            _import(library, "--studio", "Nowhere Films", "--user", "ada")


def test_show_prints_versions_and_review_steps(library, studio, admin_user):
    # given
    from assets import services

    _import(library, "--studio", str(studio.id), "--user", "ada")
    coat = Asset.objects.get(name="Coat")
    services.asset_version_submit(actor=admin_user, asset_id=str(coat.id), number=1, comment="ready")
    # when
    out = io.StringIO()
    call_command("asset", "show", "Coat", "--studio", "Harbour Films", "--user", "ada", stdout=out)
    by_id = io.StringIO()
    call_command("asset", "show", str(coat.id), "--user", "ada", stdout=by_id)
    # then
    lines = out.getvalue().splitlines()
    assert lines[0] == "Coat (costume) in Harbour Films: latest v1, approved none"
    assert lines[1] == f"id {coat.id}"
    assert lines[2].split() == ["version", "status", "created", "by", "refs", "components", "note", "review"]
    assert lines[4].split()[:2] == ["v1", "in_review"]
    assert lines[4].endswith("in_review by ada (ready)")
    assert by_id.getvalue() == out.getvalue()
