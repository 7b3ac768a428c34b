from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import numpy
import PIL
import torch

import generation
from generation.environment import apply_environment, environment_differences, runtime_environment

REPOSITORY = Path(generation.__file__).resolve().parents[1]


def test_environment_differences_lists_changed_added_and_removed_keys_sorted() -> None:
    # given
    recorded = {"threads": 1, "torch": "2.13.0", "device": "cpu", "env:MKL_CBWR": "AVX2"}
    current = {"threads": 2, "torch": "2.13.0", "device": "cpu", "gpu": "H100"}

    # when
    differences = environment_differences(recorded, current)

    # then
    assert differences == [
        {"key": "env:MKL_CBWR", "recorded": "AVX2", "current": None},
        {"key": "gpu", "recorded": None, "current": "H100"},
        {"key": "threads", "recorded": 1, "current": 2},
    ]


def test_the_same_environment_has_no_differences() -> None:
    # given
    environment = runtime_environment(device="cpu", threads=1)

    # when
    differences = environment_differences(environment, dict(environment))

    # then
    assert differences == []


def test_runtime_environment_records_versions_threads_device_and_batch_size() -> None:
    # given
    threads = 2

    # when
    environment = runtime_environment(device="cpu", threads=threads)

    # then
    assert environment["torch"] == torch.__version__
    assert environment["python"] == platform.python_version()
    assert environment["pillow"] == PIL.__version__
    assert environment["numpy"] == numpy.__version__
    assert environment["cpu_capability"] == torch.backends.cpu.get_cpu_capability()
    assert (environment["threads"], environment["device"], environment["batch_size"]) == (2, "cpu", 1)
    assert (environment["gpu"], environment["cuda"], environment["cudnn"]) == (None, None, None)
    assert sorted(key for key in environment if key.startswith("env:")) == [
        "env:ATEN_CPU_CAPABILITY",
        "env:CUBLAS_WORKSPACE_CONFIG",
        "env:MKL_CBWR",
        "env:ONEDNN_MAX_CPU_ISA",
    ]


def test_runtime_environment_without_torch_records_only_imaging_versions() -> None:
    # given
    device = "cpu"

    # when
    environment = runtime_environment(device=device, threads=1, include_torch=False)

    # then
    assert sorted(environment) == ["freetype", "numpy", "pillow", "python", "zlib"]


def test_apply_environment_sets_the_recorded_thread_count() -> None:
    # given
    before = torch.get_num_threads()
    recorded = runtime_environment(device="cpu", threads=1) | {"threads": 1 if before != 1 else 2}

    # when
    apply_environment(recorded)
    applied = torch.get_num_threads()
    torch.set_num_threads(before)

    # then
    assert applied == recorded["threads"]


def test_previz_modules_import_without_torch() -> None:
    # given
    script = (
        "import sys, generation.backends, generation.backends.previz, generation.environment, "
        "generation.pngmeta, generation.demo_art, config.canonical; "
        "generation.environment.runtime_environment(device='cpu', threads=1, include_torch=False); "
        "print('torch' in sys.modules)"
    )

    # when
    result = subprocess.run([sys.executable, "-c", script], cwd=REPOSITORY, capture_output=True, text=True, check=True)

    # then
    assert result.stdout == "False\n"
