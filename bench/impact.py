"""Impact analysis on a 60k-pin catalog beside a hand-written SQL query for the direct case.

Catalog: 200 episodes × 60 shots × 5 pins, costumes and characters with 10-deep variant chains
(characters wearing the chains' costumes, so paths mix components and derivations), 10% of the
shots revised once (so old pins are not current). Assets, versions and approvals go through the
services; series, episodes and shots are appended as real events in batches through
`eventlog.append_streams`, so every read model is built by its projection.

Measured (in-process, warm): `impact_analyze` (access check, asset row, in-memory walk, one pin
query, episodes) p50/p95 over 50 assets, beside the baseline: one SQL query on the castpin table
for the same asset's direct pins (`asset = %s AND current AND version < target`).
Goals: p95 < 50 ms and within 2x of the baseline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/impact.py   # own database
    DATABASE_URL=postgres://… python -m bench impact                                  # in the harness
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OWN_DATABASE = "continuity_bench_impact"
EPISODES, SHOTS, PINS, DEPTH, QUERIES = 200, 60, 5, 10, 50
BATCH = 600  # shot events per append transaction

try:
    from bench.harness import Table
except ImportError:  # run as a script: python bench/impact.py
    sys.path.insert(0, str(ROOT))
    from bench.harness import Table


def _services_catalog(actor: Any, studio_id: str) -> dict[str, list[tuple[str, int]]]:
    """Create assets through the services; return pinnable (asset, version) pairs per slot."""
    from assets.services import asset_create, asset_version_approve, asset_version_create, asset_version_submit

    def approve(asset_id: str, number: int) -> None:
        asset_version_submit(actor=actor, asset_id=asset_id, number=number)
        asset_version_approve(actor=actor, asset_id=asset_id, number=number)

    def create(kind: str, name: str, **kwargs: Any) -> str:
        asset = asset_create(actor=actor, studio_id=studio_id, kind=kind, name=name,
                             attributes={"description": name}, **kwargs)
        approve(str(asset.id), 1)
        return str(asset.id)

    def second(asset_id: str, **kwargs: Any) -> None:
        asset_version_create(actor=actor, asset_id=asset_id, expected_version=1, attributes={"description": "v2"},
                             **kwargs)
        approve(asset_id, 2)

    slots: dict[str, list[tuple[str, int]]] = {"character": [], "costume": [], "prop": [], "scene": []}
    costumes = [create("costume", f"costume {i}") for i in range(30)]
    for i, costume in enumerate(costumes):
        second(costume)
        slots["costume"] += [(costume, 1), (costume, 2)]
        character = create("character", f"character {i}", components=[{"asset": costume, "version": 1}])
        second(character, components=[{"asset": costume, "version": 2}])
        slots["character"] += [(character, 1), (character, 2)]
    for chain in range(20):  # costume variant chains, each worn by a chain of character variants
        source, wearer = (costumes[chain], 1), None
        for depth in range(DEPTH):
            variant = create("costume", f"costume {chain} variant {depth}",
                             derived_from={"asset": source[0], "version": source[1]})
            slots["costume"].append((variant, 1))
            if chain < 10:
                wearer = create("character", f"character {chain} variant {depth}",
                                components=[{"asset": variant, "version": 1}],
                                derived_from={"asset": wearer, "version": 1} if wearer else None)
                slots["character"].append((wearer, 1))
            source = (variant, 1)
    for kind, count in (("prop", 50), ("scene", 20)):
        for i in range(count):
            asset = create(kind, f"{kind} {i}")
            second(asset)
            slots[kind] += [(asset, 1), (asset, 2)]
    return slots


def _content(rng: random.Random, slots: dict[str, list[tuple[str, int]]], model_id: str, order: int) -> dict:
    chosen: list[tuple[str, int]] = []
    for slot in ("character", "character", "costume", "prop", "scene")[:PINS]:
        pick = rng.choice(slots[slot])
        while any(pick[0] == c[0] for c in chosen):
            pick = rng.choice(slots[slot])
        chosen.append(pick)
    return {"order": order, "title": "", "description": "", "prompt": f"shot {order}", "negative_prompt": "",
            "camera": "", "duration": None, "seed": rng.randrange(2**31), "width": 512, "height": 512,
            "steps": 20, "guidance": 7.5, "model": model_id,
            "cast": [{"asset": a, "version": v, "role": ""} for a, v in chosen]}


def _shots(actor: Any, studio_id: str, model_id: str, slots: dict[str, list[tuple[str, int]]]) -> int:
    """Append series, episodes and shots (and a revision of every tenth shot) as events, in batches."""
    from episodes.events import EpisodeCreated, SeriesCreated, ShotCreated, ShotRevised, series_stream, shot_stream
    from eventlog import StreamWrite, append_streams

    rng = random.Random(7)
    writes, revisions, total = [], [], 0
    for s in range(EPISODES // 20):
        series_id = str(uuid.uuid4())
        events: list[Any] = [SeriesCreated(series_id=series_id, studio_id=studio_id, title=f"Series {s}")]
        episodes = [str(uuid.uuid4()) for _ in range(20)]
        events += [EpisodeCreated(episode_id=e, series_id=series_id, studio_id=studio_id, number=n + 1,
                                  title=f"Episode {n + 1}", targets=[]) for n, e in enumerate(episodes)]
        append_streams([StreamWrite(series_stream(series_id), events, 0)], actor=actor, studio_id=studio_id)
        for episode_id in episodes:
            for order in range(1, SHOTS + 1):
                shot_id, content = str(uuid.uuid4()), _content(rng, slots, model_id, order)
                writes.append(StreamWrite(shot_stream(shot_id), [ShotCreated(
                    shot_id=shot_id, episode_id=episode_id, studio_id=studio_id, revision=1, content=content,
                    author=actor.username)], 0))
                if rng.random() < 0.1:
                    revised = {**content, "cast": [{**content["cast"][0], "version": 1 if
                                                    content["cast"][0]["version"] > 1 else 2}, *content["cast"][1:]]}
                    revisions.append(StreamWrite(shot_stream(shot_id), [ShotRevised(
                        shot_id=shot_id, episode_id=episode_id, studio_id=studio_id, revision=2, content=revised,
                        changed=["cast"], author=actor.username)], 1))
                if len(writes) == BATCH:
                    total += len(append_streams(writes, actor=actor, studio_id=studio_id))
                    writes = []
    for batch in (writes, *[revisions[i:i + BATCH] for i in range(0, len(revisions), BATCH)]):
        if batch:
            total += len(append_streams(batch, actor=actor, studio_id=studio_id))
    return total


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def _measure(actor: Any, assets: list[tuple[str, int]]) -> dict[str, Any]:
    from django.db import connection

    from lineage.impact import asset_row, impact_analyze, impact_compute

    baseline_sql = ("SELECT shot_id, episode_id, version FROM episodes_castpin "
                    "WHERE asset_id = %s AND current AND version < %s")
    ours, core, base, affected, direct = [], [], [], [], []
    for asset_id, _target in assets:
        impact_analyze(user=actor, asset_id=asset_id)  # warm: the studio's graph is loaded once per stamp
    for _round in range(3):
        for asset_id, target in assets:
            started = time.perf_counter()
            result = impact_analyze(user=actor, asset_id=asset_id)
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            impact_compute(asset=asset_row(asset_id))
            core.append(time.perf_counter() - started)
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(baseline_sql, [uuid.UUID(asset_id), target])
                rows = cursor.fetchall()
            base.append(time.perf_counter() - started)
            affected.append(len(result["shots"]))
            direct.append(len(rows))
    return {"ours": _percentiles(ours), "core": _percentiles(core), "base": _percentiles(base), "affected": affected,
            "direct": direct}


def _build() -> tuple[Any, list[str], list[str], str]:
    """Build the catalog; return the actor, the queried assets with and without dependents, and timings."""
    from django.contrib.auth import get_user_model

    from generation.services.registry import model_register
    from studios.services import studio_create

    started = time.perf_counter()
    # An ordinary member (the studio's admin, not a superuser), so each query pays the access check.
    actor = get_user_model().objects.create_user(username=f"bench-{uuid.uuid4().hex[:6]}", password="x" * 12)
    studio_id = str(studio_create(actor=actor, name="Impact bench").id)
    model_id = str(model_register(actor=actor, studio_id=studio_id, name="previz", backend="previz").id)
    slots = _services_catalog(actor, studio_id)
    assets_seconds = time.perf_counter() - started
    started = time.perf_counter()
    events = _shots(actor, studio_id, model_id, slots)
    timing = (f"Catalog: assets through services {assets_seconds:.1f}s; {events} series/episode/shot events "
              f"through append_streams in {time.perf_counter() - started:.1f}s.")
    # Base costumes and characters have variant chains and wearers; props and scenes have none.
    deep = sorted({a for a, _v in slots["costume"][:60] + slots["character"][:60]})
    flat = sorted({a for a, _v in slots["prop"] + slots["scene"]})
    return actor, deep, flat, timing


def run(url: str | None = None) -> Table:
    """Build the catalog in the current database and return the timing table."""
    from episodes.models import CastPin

    actor, deep, flat, timing = _build()
    rng = random.Random(11)
    chosen = rng.sample(deep, QUERIES // 2) + rng.sample(flat, QUERIES - QUERIES // 2)
    everything = _measure(actor, [(a, 2) for a in chosen])
    direct_only = _measure(actor, [(a, 2) for a in chosen[QUERIES // 2:]])
    pins = CastPin.objects.count()
    table = Table("Impact analysis (60k pins, 10-deep variant chains)",
                  ["queries", "ours p50 / p95", "SQL baseline p50 / p95", "ratio p50 / p95"])
    for label, result in ((f"all {QUERIES} assets", everything),
                          (f"{QUERIES - QUERIES // 2} assets without dependents (direct case)", direct_only)):
        for name, key in (("impact_analyze", "ours"), ("asset_row + impact_compute (no access check)", "core")):
            (o50, o95), (b50, b95) = result[key], result["base"]
            table.rows.append([f"{label}: {name}", f"{o50 * 1000:.2f} / {o95 * 1000:.2f} ms",
                               f"{b50 * 1000:.2f} / {b95 * 1000:.2f} ms", f"{o50 / b50:.2f}x / {o95 / b95:.2f}x"])
    table.notes += [
        f"{pins} castpin rows ({EPISODES} episodes x {SHOTS} shots x {PINS} pins, 10% revised once); "
        "3 rounds per asset, warm; goals: p95 < 50 ms and within 2x of the baseline.",
        "The baseline answers only the direct case (one query on castpin); for assets with variant chains and "
        "wearers impact_analyze also returns the component and variant shots, so it returns more rows.",
        f"Affected shots per query: mean {statistics.mean(everything['affected']):.0f}, max "
        f"{max(everything['affected'])} (direct pins alone: mean {statistics.mean(everything['direct']):.0f}).",
        timing,
    ]
    return table


@contextmanager
def _own_database() -> Iterator[None]:
    """Create continuity_bench_impact on the DATABASE_URL server, migrate it, drop it afterwards."""
    import psycopg

    from bench.harness import _close_django, admin_dsn

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/impact.py needs DATABASE_URL=postgres://… (it creates and drops its own database).")
    with psycopg.connect(admin_dsn(url), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {OWN_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {OWN_DATABASE}")
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{OWN_DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        _close_django()
        with psycopg.connect(admin_dsn(url), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {OWN_DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    with _own_database():
        print(run().markdown())
