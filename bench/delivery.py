"""Delivery: C2PA signing and verification beside a previz render, animatic encoding against real time,
and exporting a 60-shot cut as OpenTimelineIO (and the other timeline formats).

Signing: the demo's first episode (previz, 384x216, its references as ingredients). Each round renders
every shot's manifest with the previz backend (`render_png`: draw and encode the PNG, as the worker
does before signing), then signs that PNG (`sign_png`) and verifies it (`verify_png`); the ratio is the
median of the rounds' (sign + verify) / render. Goal: at most 10%.

Animatic: 20 shots of 2.6 s (52 s at 24 fps) at 1280x720 from the demo's renders, with burn-in, through
`make_export("mp4")`; the ratio is the video's duration over the encoding's wall time. Goal: at least 5x.

Timeline: a locked cut of 60 rendered shots, exported end to end (`export_request` + `export_run`:
the request's events, the OTIO build and adapter, the blob and the ExportSucceeded append). Goal: OTIO
under 1 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench delivery
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import Table, median

ROUNDS, ANIMATIC_SHOTS, ANIMATIC_SECONDS, CUT_SHOTS = 10, 20, 2.6, 60


def run(url: str) -> Table:
    """Measure signing against rendering, animatic encoding against real time, and a 60-shot export."""
    from django.test import override_settings

    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        storage = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                   "OPTIONS": {"location": str(root / "blobs"), "base_url": "/media/blobs/"}}
        with override_settings(C2PA_DEV_DIR=root / "c2pa-dev",
                               STORAGES={"default": storage, "blobs": storage,
                                         "staticfiles": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}):
            return _measure()


def _measure() -> Table:
    from django.contrib.auth import get_user_model

    from demo.studio import demo_load
    from episodes.models import Episode

    studio = demo_load(log=lambda line: None)
    user = get_user_model().objects.get(username="demo-artist")
    episode = Episode.objects.get(studio_id=studio.id, number=1)
    table = Table("Delivery: Content Credentials, animatic, timeline export",
                  ["case", "measured (median)", "baseline in the same run", "ratio", "goal"])
    _signing(table, user, episode)
    _animatic(table, user, episode)
    _timeline(table, user, episode)
    return table


def _signing(table: Table, user: Any, episode: Any) -> None:
    from generation import services
    from generation.credentials import sign_png, verify_png
    from generation.models import JobItem
    from generation.rendering import manifest_backend, read_reference, render_png
    from generation.selectors import registered_model

    job = services.episode_render(actor=user, episode_id=str(episode.id))
    items = list(JobItem.objects.filter(job_id=job.id).order_by("index"))
    backend = manifest_backend(items[0].manifest, registered_model(items[0].manifest["model"]["id"]))
    renders, signs, verifies, ratios, workers, worker_ratios = [], [], [], [], [], []
    for round_number in range(ROUNDS + 1):
        rendered = signed = verified = 0.0
        for item in items:
            started = time.perf_counter()
            png = render_png(item.manifest, item.manifest_hash, backend)
            middle = time.perf_counter()
            signed_png = sign_png(png, manifest=item.manifest, manifest_hash=item.manifest_hash,
                                  read_blob=read_reference)
            after_sign = time.perf_counter()
            state = verify_png(signed_png)["state"]
            end = time.perf_counter()
            assert state == "trusted", state
            rendered += middle - started
            signed += after_sign - middle
            verified += end - after_sign
        worker = _worker_render_seconds(user, _fresh_episode(user, episode, number=100 + round_number, shots=5))
        if round_number == 0:
            continue  # warm-up: fonts, the signing keys and the SDK load on first use
        count = len(items)
        renders.append(rendered / count)
        signs.append(signed / count)
        verifies.append(verified / count)
        ratios.append((signed + verified) / rendered)
        workers.append(worker)
        worker_ratios.append((signed + verified) / count / worker)
    for item in items:  # the worker's own path, which the animatic below uses the renders of
        services.job_item_run(job_id=str(job.id), index=item.index)
    references = len(items[0].manifest["request"]["references"])
    table.rows.append([f"sign + verify a previz PNG ({items[0].manifest['request']['width']}x"
                       f"{items[0].manifest['request']['height']}, {references} ingredients)",
                       f"{(median(signs) + median(verifies)) * 1000:.1f} ms (sign {median(signs) * 1000:.1f}, "
                       f"verify {median(verifies) * 1000:.1f})",
                       f"previz draw + PNG encode (`render_png`) {median(renders) * 1000:.1f} ms",
                       f"{median(ratios):.1%}", "≤ 10%"])
    table.rows.append(["the same, against the worker's whole previz render of a shot",
                       f"{(median(signs) + median(verifies)) * 1000:.1f} ms",
                       f"`job_item_run` {median(workers) * 1000:.1f} ms (render, sign, store, record)",
                       f"{median(worker_ratios):.1%}", "≤ 10%"])
    # Only signing is on a render's path; verification runs when someone asks for provenance.
    table.rows.append(["signing alone, against the worker's whole previz render", f"{median(signs) * 1000:.1f} ms",
                       f"`job_item_run` {median(workers) * 1000:.1f} ms",
                       f"{median([s / w for s, w in zip(signs, workers, strict=True)]):.1%}", "a few percent"])


def _fresh_episode(user: Any, episode: Any, *, number: int, shots: int, duration: float | None = None) -> Any:
    """Return a new episode of the demo series whose shots copy the demo episode's first shot (new seeds)."""
    from episodes.services import episode_create, shot_create

    template = episode.shots.order_by("order").first().revisions.get(revision=1)
    fresh = episode_create(actor=user, series_id=str(episode.series_id), number=number, title=f"Bench {number}")
    for index in range(shots):
        shot_create(actor=user, episode_id=str(fresh.id), prompt=f"{template.prompt} ({index})",
                    cast=[{"asset": c["asset"], "version": c["version"]} for c in template.cast],
                    seed=number * 1000 + index, width=template.width, height=template.height, steps=template.steps,
                    model=template.model, duration=duration)
    return fresh


def _worker_render_seconds(user: Any, episode: Any) -> float:
    """Return the seconds per shot of the worker's whole render of the episode (render, sign, store, record)."""
    from generation import services
    from generation.models import JobItem

    job = services.episode_render(actor=user, episode_id=str(episode.id))
    items = list(JobItem.objects.filter(job_id=job.id).order_by("index"))
    started = time.perf_counter()
    for item in items:
        services.job_item_run(job_id=str(job.id), index=item.index)
    return (time.perf_counter() - started) / len(items)


def _animatic(table: Table, user: Any, episode: Any) -> None:
    from delivery.exporters import make_export
    from delivery.timeline import FPS, shot_code
    from generation.models import Render
    from generation.rendering import read_blob

    renders = list(Render.objects.filter(studio_id=episode.studio_id).order_by("created_at"))
    frames = round(ANIMATIC_SECONDS * FPS)
    shots = [{"code": shot_code(1, (index + 1) * 10), "revision": 1, "frames": frames,
              "image_sha256": renders[index % len(renders)].image_sha256} for index in range(ANIMATIC_SHOTS)]
    seconds, digests = [], set()
    for _ in range(3):
        started = time.perf_counter()
        made = make_export("mp4", name="bench", shots=shots, metadata={}, options={"burn_in": True},
                           read_blob=read_blob, progress=lambda done, total: None)
        seconds.append(time.perf_counter() - started)
        digests.add(hashlib.sha256(made.data).hexdigest())
    duration = ANIMATIC_SHOTS * frames / FPS
    table.rows.append([f"animatic MP4, {ANIMATIC_SHOTS} shots, {duration:.0f} s at {FPS} fps, 1280x720, burn-in",
                       f"{median(seconds):.2f} s to encode ({len(made.data) / 1e6:.2f} MB)",
                       f"real time {duration:.0f} s", f"{duration / median(seconds):.1f}x real time", "≥ 5x"])
    table.notes.append(f"The 3 animatic encodings gave {len(digests)} distinct file(s) (byte-identical when 1).")


def _timeline(table: Table, user: Any, episode: Any) -> None:
    from delivery.services import export_request, export_run
    from episodes.services import cut_lock
    from generation import services
    from generation.models import JobItem

    long_episode = _fresh_episode(user, episode, number=99, shots=CUT_SHOTS, duration=1.5)
    job = services.episode_render(actor=user, episode_id=str(long_episode.id))
    for item in JobItem.objects.filter(job_id=job.id):
        services.job_item_run(job_id=str(job.id), index=item.index)
    cut = cut_lock(actor=user, episode_id=str(long_episode.id))
    for format in ("otio", "edl", "fcp7xml", "fcpxml"):
        started = time.perf_counter()
        export, _created = export_request(actor=user, cut_id=str(cut.id), format=format)
        export_run(export_id=str(export.id))
        elapsed = time.perf_counter() - started
        export.refresh_from_db()
        assert export.status == "succeeded", export.error
        goal = "< 1 s" if format == "otio" else ""
        table.rows.append([f"export a {CUT_SHOTS}-shot cut as {format} (request + make + store + record)",
                           f"{elapsed * 1000:.0f} ms ({export.size:,} bytes)", "1 s", f"{elapsed:.2f}x of 1 s", goal])
    table.notes.append("Timeline exports are single runs, each from a cold request (the export does not exist yet).")
