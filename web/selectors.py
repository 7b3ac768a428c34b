"""Reads that shape whole pages, composed from the domain apps' selectors with a bounded number of queries.

Access is decided by the domain selectors these call (studios.access underneath), so a page refuses
exactly what the API refuses. Nothing here writes.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.db.models.fields.json import KT

from assets import selectors as asset_selectors
from assets.models import Asset, AssetVersion, ComponentEdge, VersionStatus
from config.types import Actor
from consistency import selectors as consistency_selectors
from delivery.exporters import EXTENSIONS
from delivery.models import Export, ExportFormat, ExportProgress, ExportStatus
from episodes import selectors as episode_selectors
from episodes.models import CastPin, Episode, Series, Shot, ShotRevision
from generation.models import TERMINAL_JOB_STATUSES, Job, JobItem, Render, RerenderPlan
from studios.access import VIEW, authorize

LIBRARY_PAGE_SIZE = 48


def library_page(*, user: Actor, studio_id: str, kind: str = "", status: str = "", q: str = "",
                 page: Any = 1) -> tuple[Page, dict[str, str | None]]:
    """Return one page of the studio's assets and, per asset, its latest version's first reference (3 queries)."""
    assets = asset_selectors.asset_list(user=user, studio=studio_id, kind=kind or None, status=status or None,
                                        q=q or None)
    current = Paginator(assets, LIBRARY_PAGE_SIZE).get_page(page)
    return current, first_references([(a.id, a.latest_version) for a in current])


def first_references(pins: list[tuple[Any, int]]) -> dict[str, str | None]:
    """Return {"<asset>:<n>": first reference sha or None} for these versions (one query)."""
    ids = [f"{asset}:{number}" for asset, number in pins]
    rows = AssetVersion.objects.filter(id__in=ids).values_list("id", "references")
    found = {pk: (refs[0] if refs else None) for pk, refs in rows}
    return {pk: found.get(pk) for pk in ids}


def asset_page(*, user: Actor, asset_id: Any) -> dict[str, Any]:
    """Return an asset, its versions (newest first) and where each version is used."""
    asset = asset_selectors.asset_get(user=user, asset_id=asset_id)
    versions = list(AssetVersion.objects.filter(asset_id=asset.id).order_by("number"))
    return {"asset": asset, "versions": versions[::-1], "latest": versions[-1],
            "by_number": {v.number: v for v in versions},
            "where_used": where_used(asset), "components": component_names(versions)}


WHERE_USED_SHOTS = 100


def where_used(asset: Asset) -> dict[str, Any]:
    """Return how many current shots of each episode pin each version of the asset (stale when older than
    the approved one), the first shots themselves, and the asset versions containing it (four queries)."""
    approved = asset.approved_version or 0
    pins = CastPin.objects.filter(asset_id=asset.id, current=True)
    counts = list(pins.values_list("episode_id", "version").annotate(shots=Count("id")))
    episodes = {e.id: e for e in Episode.objects.filter(id__in={episode for episode, _, _ in counts})}
    rows = sorted(({"episode": episodes[episode], "version": version, "shots": n, "stale": version < approved}
                   for episode, version, n in counts if episode in episodes),
                  key=lambda row: (row["episode"].series_id, row["episode"].number, row["version"]))
    first = [{"shot": str(shot), "episode": episodes.get(episode), "version": version, "order": order,
              "stale": version < approved}
             for shot, episode, version, order in pins.order_by("episode_id", "order")
             .values_list("shot_id", "episode_id", "version", "order")[:WHERE_USED_SHOTS]]
    parents = list(ComponentEdge.objects.filter(component_asset_id=asset.id)
                   .values_list("parent__asset_id", "parent__asset__name", "parent__number", "component_version"))
    return {"episodes": rows, "shots": first, "total": sum(r["shots"] for r in rows),
            "stale": sum(r["shots"] for r in rows if r["stale"]), "episode_count": len(episodes),
            "parents": [{"asset": str(a), "name": n, "number": num, "version": v, "stale": v < approved}
                        for a, n, num, v in parents]}


def component_names(versions: list[AssetVersion]) -> dict[str, str]:
    """Return {asset id: name} for every component any of these versions pins (one query)."""
    ids = {c["asset"] for v in versions for c in v.components}
    ids |= {v.derived_from["asset"] for v in versions if v.derived_from}
    return {str(pk): name for pk, name in Asset.objects.filter(id__in=ids).values_list("id", "name")}


def component_choices(*, studio_id: str, exclude: Any, limit: int = 200) -> list[dict[str, Any]]:
    """Return approved versions of the studio's other assets, the component picker's choices."""
    rows = (Asset.objects.filter(studio_id=studio_id, approved_version__isnull=False).exclude(id=exclude)
            .order_by("kind", "name").values_list("id", "name", "kind", "approved_version")[:limit])
    return [{"asset": str(pk), "name": name, "kind": kind, "version": version} for pk, name, kind, version in rows]


INBOX_PAGE_SIZE = 50


def approvals_inbox(*, user: Actor, studio_id: str, page: Any = 1) -> Page:
    """Return one page of the studio's asset versions in review, oldest first (two queries after the access check)."""
    authorize(user, studio_id, VIEW)
    versions = (AssetVersion.objects.filter(asset__studio_id=studio_id, status=VersionStatus.IN_REVIEW)
                .select_related("asset").order_by("status_changed_at", "id"))
    return Paginator(versions, INBOX_PAGE_SIZE).get_page(page)


def episodes_of_studio(*, user: Actor, studio_id: str) -> list[tuple[Series, list[Episode]]]:
    """Return the studio's series, each with its episodes in number order (two queries)."""
    series = list(episode_selectors.series_list(user=user, studio_id=studio_id))
    grouped: dict[Any, list[Episode]] = defaultdict(list)
    for episode in Episode.objects.filter(series_id__in=[s.id for s in series]).order_by("number"):
        grouped[episode.series_id].append(episode)
    return [(s, grouped[s.id]) for s in series]


def storyboard(*, user: Actor, episode_id: Any) -> dict[str, Any]:
    """Return an episode's shots in order with cast chips (stale when older than approved) and latest render."""
    episode = episode_selectors.episode_get(user=user, episode_id=episode_id)
    shots = episode_selectors.episode_shots(episode=episode)
    approved = {str(k): v for k, v in Asset.objects.filter(id__in={p["asset"] for s in shots for p in s["cast"]})
                .values_list("id", "approved_version")}
    for shot in shots:
        for pin in shot["cast"]:
            pin["approved"] = approved.get(pin["asset"])
            pin["stale"] = bool(pin["approved"] and pin["version"] < pin["approved"])
    renders = latest_renders([(s["id"], s["revision"]) for s in shots])
    for shot in shots:
        shot["render"] = renders.get(f"{shot['id']}:{shot['revision']}")
    badges = consistency_badges([s["render"] for s in shots])
    for shot in shots:
        shot["consistency"] = badges.get(str(shot["render"].id)) if shot["render"] else None
    jobs = list(Job.objects.filter(episode_id=str(episode.id)).order_by("-created_at")[:5])
    cuts = list(episode_selectors.episode_cuts(episode=episode)[:10])
    return {"episode": episode, "shots": shots, "jobs": jobs, "cuts": cuts,
            "exports": cut_exports([c.id for c in cuts]), "formats": ExportFormat.choices}


def latest_renders(pairs: list[tuple[Any, int]]) -> dict[str, Render]:
    """Return {"<shot>:<revision>": latest render} for these shot revisions (one query)."""
    wanted = {f"{shot}:{revision}" for shot, revision in pairs}
    found: dict[str, Render] = {}
    if wanted:
        for render in Render.objects.filter(shot_id__in={str(s) for s, _ in pairs}).order_by("created_at"):
            key = f"{render.shot_id}:{render.shot_revision}"
            if key in wanted:
                found[key] = render
    return found


def consistency_badges(renders: list[Render | None]) -> dict[str, dict[str, Any]]:
    """Return {render id: its API `consistency` body, its one-word verdict and the entries it reads} (one query)."""
    ids = [str(r.id) for r in renders if r is not None]
    scores = consistency_selectors.latest_scores(ids) if ids else {}
    found = {}
    for render_id in ids:
        body = consistency_selectors.score_body(scores.get(render_id))
        found[render_id] = {**body, "verdict": consistency_selectors.score_verdict(body),
                            "characters": consistency_selectors.score_characters(body)}
    return found


def episode_consistency(*, user: Actor, episode_id: Any) -> dict[str, Any]:
    """Return an episode, its per-character report (the API's) and its scored shots, worst first."""
    episode = episode_selectors.episode_get(user=user, episode_id=episode_id)
    return {"episode": episode,
            "report": consistency_selectors.episode_report(user=user, episode_id=str(episode.id)),
            "worst": consistency_selectors.episode_worst_shots(user=user, episode_id=str(episode.id))}


def shot_page(*, user: Actor, shot_id: Any) -> dict[str, Any]:
    """Return a shot, its revisions and renders, its cast with each asset's versions, and its neighbours."""
    shot, current = episode_selectors.shot_get(user=user, shot_id=shot_id)
    body = episode_selectors.shot_body(shot, current)
    revisions = list(ShotRevision.objects.filter(shot_id=shot.id).order_by("-revision"))
    renders = list(Render.objects.filter(shot_id=str(shot.id)).order_by("-created_at")[:20])
    versions: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for asset, number, status in (AssetVersion.objects.filter(asset_id__in={p["asset"] for p in body["cast"]})
                                  .order_by("number").values_list("asset_id", "number", "status")):
        versions[str(asset)].append((number, status))
    approved = {str(k): v for k, v in Asset.objects.filter(id__in=list(versions))
                .values_list("id", "approved_version")}
    for pin in body["cast"]:
        pin["versions"] = versions.get(pin["asset"], [])
        pin["stale"] = bool(approved.get(pin["asset"]) and pin["version"] < approved[pin["asset"]])
    order = list(Shot.objects.filter(episode_id=shot.episode_id).order_by("order", "created_at", "id")
                 .values_list("id", "revision"))
    at = [pk for pk, _ in order].index(shot.id)
    near = order[max(0, at - 2): at] + order[at + 1: at + 3]
    near_revisions = ShotRevision.objects.in_bulk([f"{pk}:{rev}" for pk, rev in near])
    near_renders = latest_renders(near)
    neighbours = [{"id": str(pk), "revision": near_revisions[f"{pk}:{rev}"], "before": i < at - max(0, at - 2),
                   "render": near_renders.get(f"{pk}:{rev}")} for i, (pk, rev) in enumerate(near)]
    return {"shot": shot, "body": body, "revisions": revisions, "renders": renders, "neighbours": neighbours,
            "badges": consistency_badges(list(renders)),
            "episode": Episode.objects.get(pk=shot.episode_id)}


def jobs_of_studio(*, user: Actor, studio_id: str, limit: int = 100) -> QuerySet[Job]:
    """Return the studio's jobs, running first, then newest."""
    authorize(user, studio_id, VIEW)
    return Job.objects.filter(studio_id=studio_id).order_by("finished_at", "-created_at")[:limit]


def job_items(job: Job) -> list[dict[str, Any]]:
    """Return a job's items in order: index, status and the shot title its manifest names (one query)."""
    rows = (JobItem.objects.filter(job_id=job.id).order_by("index")
            .values("index", "status", "shot_id", "reused", title=KT("manifest__request__title")))
    return [dict(row) for row in rows]


def job_is_finished(job: Job) -> bool:
    """Return whether a job has reached a terminal status."""
    return job.status in TERMINAL_JOB_STATUSES


def plan_before_after(*, plan: RerenderPlan) -> list[dict[str, Any]]:
    """Return, for every shot a plan revised, the latest render before and after it (two queries)."""
    pairs = [(r["shot"], r["from_revision"]) for r in plan.revised] + [(r["shot"], r["to_revision"])
                                                                       for r in plan.revised]
    renders = latest_renders(pairs)
    titles = ShotRevision.objects.in_bulk([f"{r['shot']}:{r['to_revision']}" for r in plan.revised])
    badges = consistency_badges(list(renders.values()))
    rows: list[dict[str, Any]] = [{"shot": r["shot"], "title": titles[f"{r['shot']}:{r['to_revision']}"].title,
             "before": renders.get(f"{r['shot']}:{r['from_revision']}"),
             "after": renders.get(f"{r['shot']}:{r['to_revision']}"),
             "from_revision": r["from_revision"], "to_revision": r["to_revision"]} for r in plan.revised]
    for row in rows:
        row["before_badge"] = badges.get(str(row["before"].id)) if row["before"] else None
        row["after_badge"] = badges.get(str(row["after"].id)) if row["after"] else None
    return rows


def plans_of_asset(*, asset: Asset) -> list[RerenderPlan]:
    """Return an asset's re-render plans, newest first."""
    return list(RerenderPlan.objects.filter(asset_id=str(asset.id)).order_by("-created_at")[:10])


def cut_exports(cut_ids: list[Any]) -> dict[str, list[dict[str, Any]]]:
    """Return {cut id: [export state, in format order]} for these cuts (two queries; none without cuts)."""
    if not cut_ids:
        return {}
    exports = list(Export.objects.filter(cut_id__in=cut_ids))
    progress = ExportProgress.objects.in_bulk([str(e.id) for e in exports if e.status == ExportStatus.QUEUED])
    order = list(ExportFormat.values)
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for export in sorted(exports, key=lambda e: order.index(e.format)):
        found[str(export.cut_id)].append(export_state(export, progress.get(str(export.id))))
    return found


def export_state(export: Export, progress: ExportProgress | None) -> dict[str, Any]:
    """Return what an export's progress shows: its status (running once a worker reports), done and total."""
    status = "running" if progress is not None and export.status == ExportStatus.QUEUED else export.status
    done, total = (progress.done, progress.total) if progress else (0, 0)
    return {"export": export, "status": status, "done": done, "total": total,
            "finished": export.status in (ExportStatus.SUCCEEDED, ExportStatus.FAILED),
            "filename": f"cut-{export.cut_id}.{EXTENSIONS[export.format]}"}
