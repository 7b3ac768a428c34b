"""Re-render plan time on the 60k-pin catalog of bench/impact.py, beside impact analysis alone.

`plan_create` = access check + `impact_compute` + sorting the affected shots into movable direct
pins and blockers + one RerenderPlanCreated append (the plan, with every shot, in one event) and
its projection. The baseline is `impact_analyze` for the same asset in the same run. Goal: a plan
in under 2 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench plan
"""

from __future__ import annotations

import random
import statistics
import time

from bench.harness import Table

QUERIES = 20


def run(url: str | None = None) -> Table:
    """Build the impact catalog, then time plan_create and impact_analyze per asset (interleaved)."""
    from bench.impact import _build
    from episodes.models import CastPin
    from generation.services import plan_create
    from lineage.impact import impact_analyze

    actor, deep, flat, timing = _build()
    rng = random.Random(5)
    chosen = rng.sample(deep, QUERIES // 2) + rng.sample(flat, QUERIES - QUERIES // 2)
    for asset_id in chosen[:2]:
        impact_analyze(user=actor, asset_id=asset_id)  # warm the studio's dependency graph
    plans, impacts, shots, blockers = [], [], [], []
    for asset_id in chosen:
        started = time.perf_counter()
        impact_analyze(user=actor, asset_id=asset_id)
        impacts.append(time.perf_counter() - started)
        started = time.perf_counter()
        plan = plan_create(actor=actor, asset_id=asset_id)
        plans.append(time.perf_counter() - started)
        shots.append(len(plan.shots))
        blockers.append(len(plan.blockers))
    table = Table(f"Re-render plans on the impact catalog ({CastPin.objects.count()} pins)",
                  ["assets", "plan_create p50 / max", "impact_analyze p50 / max", "plan / impact (p50)",
                   "shots moved (mean / max)", "blockers (mean / max)"])
    for label, part in ((f"{QUERIES // 2} with variant chains and wearers", slice(0, QUERIES // 2)),
                        (f"{QUERIES - QUERIES // 2} without dependents", slice(QUERIES // 2, None))):
        p, i = plans[part], impacts[part]
        table.rows.append([label, f"{statistics.median(p) * 1000:.0f} / {max(p) * 1000:.0f} ms",
                           f"{statistics.median(i) * 1000:.0f} / {max(i) * 1000:.0f} ms",
                           f"{statistics.median(p) / statistics.median(i):.2f}x",
                           f"{statistics.mean(shots[part]):.0f} / {max(shots[part])}",
                           f"{statistics.mean(blockers[part]):.0f} / {max(blockers[part])}"])
    table.notes += ["Goal: every plan under 2 s. Each plan is appended as one event and projected.", timing]
    return table
