from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from safetensors.torch import load_file, save_file

from demo.tinymodel import build_tiny_pipeline
from generation.backends.base import ModelFolderError
from generation.backends.fingerprint import model_fingerprint


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_pipeline(tmp_path_factory.mktemp("tiny") / "model", seed=0)


def _copy(folder: Path, target: Path) -> Path:
    return Path(shutil.copytree(folder, target))


def test_the_same_seed_builds_a_model_with_the_same_fingerprint(model_folder: Path, tmp_path: Path) -> None:
    # given
    rebuilt = build_tiny_pipeline(tmp_path / "again", seed=0)

    # when
    fingerprints = {model_fingerprint(model_folder), model_fingerprint(rebuilt)}

    # then
    assert len(fingerprints) == 1


def test_another_seed_builds_a_model_with_another_fingerprint(model_folder: Path, tmp_path: Path) -> None:
    # given
    other = build_tiny_pipeline(tmp_path / "other", seed=1)

    # when
    fingerprint = model_fingerprint(other)

    # then
    assert fingerprint != model_fingerprint(model_folder)


def test_fingerprint_survives_a_resave_as_safetensors_and_as_bin(model_folder: Path, tmp_path: Path) -> None:
    # given
    from diffusers import DiffusionPipeline

    pipeline = DiffusionPipeline.from_pretrained(str(model_folder), local_files_only=True)
    pipeline.save_pretrained(tmp_path / "safetensors")
    pipeline.save_pretrained(tmp_path / "bin", safe_serialization=False)

    # when
    fingerprints = [model_fingerprint(tmp_path / name) for name in ("safetensors", "bin")]

    # then
    assert sorted(path.suffix for path in (tmp_path / "bin").rglob("diffusion_pytorch_model.*")) == [".bin", ".bin"]
    assert fingerprints == [model_fingerprint(model_folder)] * 2


def test_changing_one_weight_changes_the_fingerprint(model_folder: Path, tmp_path: Path) -> None:
    # given
    changed = _copy(model_folder, tmp_path / "changed")
    weights_file = changed / "unet" / "diffusion_pytorch_model.safetensors"
    tensors = load_file(weights_file)
    tensors["conv_out.bias"][0] += 0.001
    save_file(tensors, weights_file)

    # when
    fingerprint = model_fingerprint(changed)

    # then
    assert fingerprint != model_fingerprint(model_folder)


def test_changing_the_scheduler_config_changes_the_fingerprint(model_folder: Path, tmp_path: Path) -> None:
    # given
    changed = _copy(model_folder, tmp_path / "changed")
    config_file = changed / "scheduler" / "scheduler_config.json"
    config = json.loads(config_file.read_text())
    config_file.write_text(json.dumps(config | {"beta_end": 0.013}))

    # when
    fingerprint = model_fingerprint(changed)

    # then
    assert fingerprint != model_fingerprint(model_folder)


def test_a_missing_folder_is_a_model_folder_error(tmp_path: Path) -> None:
    # given
    missing = tmp_path / "missing"

    # when / then
    with pytest.raises(ModelFolderError, match="does not exist"):
        model_fingerprint(missing)


def test_a_folder_without_weights_is_a_model_folder_error(tmp_path: Path) -> None:
    # given
    (tmp_path / "model_index.json").write_text("{}")

    # when / then
    with pytest.raises(ModelFolderError, match="holds no .safetensors or .bin weights"):
        model_fingerprint(tmp_path)
