"""The baseline of the render benchmarks: a pipeline folder called as a script would, outside Continuity."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any


def bare_pipeline(folder: Path) -> Any:
    """Load a pipeline folder with one torch thread and no progress bar."""
    import torch
    from diffusers import DiffusionPipeline

    torch.set_num_threads(1)
    pipeline = DiffusionPipeline.from_pretrained(str(folder), local_files_only=True)
    pipeline.set_progress_bar_config(disable=True)
    return pipeline


def bare_requests(episode: Any) -> list[dict[str, Any]]:
    """Return the bare pipeline arguments of an episode's shots (the prompts its manifests would hold)."""
    from generation.manifests import cast_entries, compose_prompt
    from generation.services.jobs import current_revisions

    return [{"prompt": compose_prompt(r.prompt, cast_entries(r.cast)), "negative_prompt": r.negative_prompt,
             "seed": r.seed, "guidance": r.guidance} for r in current_revisions(str(episode.id))]


def bare_calls(pipeline: Any, requests: list[dict[str, Any]], **shape: Any) -> float:
    """Call the pipeline once per request (`shape`: width, height, num_inference_steps, num_frames…); return seconds."""
    import torch

    started = time.perf_counter()
    for request in requests:
        with torch.inference_mode():
            pipeline(prompt=request["prompt"], negative_prompt=request["negative_prompt"] or None,
                     guidance_scale=request["guidance"], generator=torch.Generator("cpu").manual_seed(request["seed"]),
                     output_type="pil", **shape)
    return time.perf_counter() - started
