"""Server time of the web app's pages beside the JSON API answering the same question, on a large catalog.

Catalog (sizes from WEB_BENCH_ASSETS, WEB_BENCH_EPISODES, WEB_BENCH_SHOTS; default 10,000 assets,
200 episodes x 60 shots): every asset approved at v1 with one reference, every tenth with a v2 in
review; shots pin three assets each, and one "lead" asset (v2 approved) is pinned by every shot,
so its pins are stale. Assets, series, episodes and shots are appended as real events in batches
through `eventlog.append_streams`, so every read model is built by its projection.

Measured in-process through Django's whole stack (middleware, session, templates; DEBUG=0, so the
cached template loader), interleaved page / API, warm, by a signed-in studio member:

| page | the API calls answering the same question |
|---|---|
| library (first page, 48 cards) | `GET /api/assets/?studio=…&page_size=48` |
| asset (versions, compare, where used) | `GET /api/assets/{id}/`, `…/versions/`, `…/diff/?from=1&to=2` |
| episode storyboard (60 shots, renders, stale pins) | `GET /api/episodes/{id}/` |
| approvals inbox (first page of 50 in review) | `GET /api/assets/?studio=…&status=in_review&page_size=50` |

Goals: p95 under 150 ms and within 1.5x of the API.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench web_pages
"""

from __future__ import annotations

import os
import random
import statistics
import time
import uuid
from typing import Any

from bench.harness import Table

ASSETS = int(os.environ.get("WEB_BENCH_ASSETS", "10000"))
EPISODES = int(os.environ.get("WEB_BENCH_EPISODES", "200"))
SHOTS = int(os.environ.get("WEB_BENCH_SHOTS", "60"))
ROUNDS = int(os.environ.get("WEB_BENCH_ROUNDS", "30"))
BATCH = 500  # streams per append transaction


def _assets(actor: Any, studio_id: str, reference: str) -> list[str]:
    """Append every asset's creation, approval (and for every tenth a v2 in review) as events, in batches."""
    from assets.events import (
        AssetCreated,
        AssetVersionApproved,
        AssetVersionCreated,
        AssetVersionSubmitted,
        stream,
    )
    from eventlog import StreamWrite, append_streams

    kinds = ("character", "costume", "prop", "scene")
    ids, writes = [], []
    for index in range(ASSETS):
        asset_id = str(uuid.uuid4())
        ids.append(asset_id)

        def version(number: int, text: str, asset_id: str = asset_id) -> AssetVersionCreated:
            return AssetVersionCreated(asset_id=asset_id, studio_id=studio_id, number=number,
                                       attributes={"description": text}, references=[reference], components=[],
                                       derived_from=None, note="", author=actor.username)

        events: list[Any] = [
            AssetCreated(asset_id=asset_id, studio_id=studio_id, kind=kinds[index % 4], name=f"Asset {index:05d}"),
            version(1, f"asset number {index}"),
            AssetVersionSubmitted(asset_id=asset_id, number=1, comment="", author=actor.username),
            AssetVersionApproved(asset_id=asset_id, number=1, comment="", author=actor.username)]
        if index % 10 == 0:
            events += [version(2, f"asset number {index}, redesigned"),
                       AssetVersionSubmitted(asset_id=asset_id, number=2, comment="", author=actor.username)]
            if index == 0:  # the lead: approved v2, so every shot's pin of v1 is stale
                events.append(AssetVersionApproved(asset_id=asset_id, number=2, comment="", author=actor.username))
        writes.append(StreamWrite(stream(asset_id), events, 0))
        if len(writes) == BATCH:
            append_streams(writes, actor=actor, studio_id=studio_id)
            writes = []
    if writes:
        append_streams(writes, actor=actor, studio_id=studio_id)
    return ids


def _shots(actor: Any, studio_id: str, model_id: str, assets: list[str]) -> list[str]:
    """Append one series of EPISODES episodes of SHOTS shots, each pinning the lead and two other assets."""
    from episodes.events import EpisodeCreated, SeriesCreated, ShotCreated, series_stream, shot_stream
    from eventlog import StreamWrite, append_streams

    rng = random.Random(5)
    series_id = str(uuid.uuid4())
    episodes = [str(uuid.uuid4()) for _ in range(EPISODES)]
    append_streams([StreamWrite(series_stream(series_id), [
        SeriesCreated(series_id=series_id, studio_id=studio_id, title="Bench Series"),
        *[EpisodeCreated(episode_id=e, series_id=series_id, studio_id=studio_id, number=n + 1,
                         title=f"Episode {n + 1}", targets=[]) for n, e in enumerate(episodes)]], 0)],
        actor=actor, studio_id=studio_id)
    writes = []
    for episode_id in episodes:
        for order in range(1, SHOTS + 1):
            cast = [assets[0], *rng.sample(assets[1:], 2)]
            content = {"order": order, "title": f"shot {order}", "description": "", "prompt": f"shot {order}",
                       "negative_prompt": "", "camera": "", "duration": 2.0, "seed": order, "width": 512,
                       "height": 512, "steps": 20, "guidance": 7.5, "model": model_id,
                       "cast": [{"asset": a, "version": 1, "role": ""} for a in cast]}
            shot_id = str(uuid.uuid4())
            writes.append(StreamWrite(shot_stream(shot_id), [ShotCreated(
                shot_id=shot_id, episode_id=episode_id, studio_id=studio_id, revision=1, content=content,
                author=actor.username)], 0))
            if len(writes) == BATCH:
                append_streams(writes, actor=actor, studio_id=studio_id)
                writes = []
    if writes:
        append_streams(writes, actor=actor, studio_id=studio_id)
    return episodes


def _build() -> tuple[Any, str, list[str], list[str], str]:
    from django.contrib.auth import get_user_model

    from assets.services import blob_store
    from demo import art
    from generation.services.registry import model_register
    from studios.services import studio_create

    started = time.perf_counter()
    actor = get_user_model().objects.create_user(username=f"bench-{uuid.uuid4().hex[:6]}", password="x" * 12)
    studio_id = str(studio_create(actor=actor, name="Web bench").id)
    model_id = str(model_register(actor=actor, studio_id=studio_id, name="previz", backend="previz").id)
    reference = blob_store(actor=actor, studio_id=studio_id, data=art.prop_sketch("Crate", ["#884400", "#222"], 1))
    assets = _assets(actor, studio_id, reference.sha256)
    middle = time.perf_counter()
    episodes = _shots(actor, studio_id, model_id, assets)
    _analyze()
    timing = (f"Catalog built in {time.perf_counter() - started:.0f}s ({middle - started:.0f}s for {ASSETS:,} assets, "
              f"the rest for {EPISODES * SHOTS:,} shots).")
    return actor, studio_id, assets, episodes, timing


def _analyze() -> None:
    """Refresh the planner's statistics after the bulk build, as autovacuum does in a live database
    (with the statistics of empty tables, PostgreSQL joins the inbox's 10,000 rows in a nested loop)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _timed(client: Any, urls: list[str], samples: list[float]) -> None:
    started = time.perf_counter()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    samples.append(time.perf_counter() - started)


def _p(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def run(url: str | None = None) -> Table:
    """Build the catalog in the current database, then time each page beside its API calls."""
    from django.test import Client

    actor, studio_id, assets, episodes, timing = _build()
    client = Client(HTTP_HOST="localhost")
    client.force_login(actor)
    rng = random.Random(3)

    def asset_api(a: str) -> list[str]:
        return [f"/api/assets/{a}/", f"/api/assets/{a}/versions/", f"/api/assets/{a}/diff/?from=1&to=2"]

    questions = {
        "library (first page)": (lambda: ["/library/"],
                                 lambda: [f"/api/assets/?studio={studio_id}&page_size=48"]),
        "asset": (lambda a: [f"/assets/{a}/"], asset_api),
        "lead asset (pinned by every shot)": (lambda: [f"/assets/{assets[0]}/"], lambda: asset_api(assets[0])),
        "episode storyboard": (lambda e: [f"/episodes/{e}/"], lambda e: [f"/api/episodes/{e}/"]),
        "approvals inbox": (lambda: ["/approvals/"],
                            lambda: [f"/api/assets/?studio={studio_id}&status=in_review&page_size=50"]),
    }
    ours: dict[str, list[float]] = {name: [] for name in questions}
    api: dict[str, list[float]] = {name: [] for name in questions}
    with_v2 = assets[10::10]
    for round_ in range(ROUNDS + 3):  # the first three rounds warm up and are not counted
        for name, (page, baseline) in questions.items():
            args: tuple[Any, ...] = ()
            if name == "asset":
                args = (rng.choice(with_v2),)
            elif name == "episode storyboard":
                args = (rng.choice(episodes),)
            keep_ours, keep_api = (ours[name], api[name]) if round_ >= 3 else ([], [])
            _timed(client, page(*args), keep_ours)
            _timed(client, baseline(*args), keep_api)
    table = Table(f"Web pages vs the JSON API ({ASSETS:,} assets, {EPISODES} episodes x {SHOTS} shots)",
                  ["question", "page p50 / p95", "API p50 / p95", "ratio p50 / p95", "p95 < 150 ms", "p95 ≤ 1.5x"])
    for name in questions:
        (o50, o95), (a50, a95) = _p(ours[name]), _p(api[name])
        table.rows.append([name, f"{o50 * 1000:.1f} / {o95 * 1000:.1f} ms", f"{a50 * 1000:.1f} / {a95 * 1000:.1f} ms",
                           f"{o50 / a50:.2f}x / {o95 / a95:.2f}x", "met" if o95 < 0.150 else "**not met**",
                           "met" if o95 <= 1.5 * a95 else "**not met**"])
    table.notes += [f"{ROUNDS} interleaved rounds after 3 warm-up rounds; in-process Django test client "
                    "(server time, no network); the API side of the asset question is three calls.", timing]
    return table
