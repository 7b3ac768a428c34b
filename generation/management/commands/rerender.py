"""`rerender plan <asset> | approve <plan> | execute <plan>`: re-render plans after a redesign."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from assets.lookups import ASSET
from assets.models import Asset
from episodes.lookups import EPISODE, shot_labels
from generation.lookups import PLAN
from generation.management.console import follow, job_report, runs_inline
from generation.models import Job, RerenderPlan
from generation.services import plan_approve, plan_create, plan_execute
from studios.console import ConsoleCommand, Result, table, versions
from studios.lookup import find


class Command(ConsoleCommand):
    help = "Plan, approve and execute re-renders after an asset gets a new version."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        plan = sub.add_parser("plan", help="compute a plan for an asset (its shots, from → to, and blockers)")
        plan.add_argument("asset", help=f"the asset: {ASSET.ways()}")
        plan.add_argument("--to-version", type=int, help="the version to move to (default: the approved one)")
        plan.add_argument("--episode", action="append", default=[],
                          help=f"limit to this episode ({EPISODE.ways()}); repeat for several")
        for name, text in (("approve", "approve a proposed plan (supervisors)"),
                           ("execute", "revise the plan's shots and re-render them")):
            action = sub.add_parser(name, help=text)
            action.add_argument("plan", help=f"the plan: {PLAN.ways()}")
            if name == "execute":
                action.add_argument("--wait", action="store_true", help="wait for the workers' renders")
        for action in sub.choices.values():
            self.add_common(action)

    def run(self, **options: Any) -> Result:
        actor = self.actor(options)
        if options["action"] == "plan":
            asset = find(actor, ASSET, options["asset"])
            episodes = [str(find(actor, EPISODE, value).id) for value in options["episode"]]
            plan = plan_create(actor=actor, asset_id=str(asset.id), to_version=options["to_version"],
                               episodes=episodes)
        else:
            plan_id = str(find(actor, PLAN, options["plan"]).id)
            do = plan_approve if options["action"] == "approve" else plan_execute
            plan = do(actor=actor, plan_id=plan_id)
        result = plan_report(plan)
        if options["action"] == "execute" and (runs_inline() or options.get("wait")):
            job = follow(Job.objects.get(pk=plan.job_id), inline=runs_inline(), stream=self.stderr,
                         quiet=options["json"])
            lines, data = job_report(job)
            result.lines += lines
            result.data["job_report"] = data
        return result


def plan_report(plan: RerenderPlan) -> Result:
    """Return a plan as a heading, its shots (number, title, from → to) and blockers, and its data."""
    asset = Asset.objects.filter(pk=plan.asset_id).first()
    name = asset.name if asset else plan.asset_id
    labels = shot_labels([(s["shot"], s["revision"]) for s in plan.shots + plan.blockers])
    lines = [f"plan {str(plan.id)[:8]} ({plan.status}): {name} to v{plan.to_version}, {len(plan.shots)} shot(s) to "
             f"re-render, {len(plan.blockers)} blocked   [id {plan.id}]"]
    rows = [(labels[(s["shot"], s["revision"])].code, labels[(s["shot"], s["revision"])].title, f"r{s['revision']}",
             versions(s["from"], s["to"])) for s in plan.shots]
    if rows:
        lines += table(["shot", "title", "revision", name], rows)
    for blocker in plan.blockers:
        label = labels[(blocker["shot"], blocker["revision"])]
        lines.append(f"  blocked {label.code} {label.title!r} (pins v{blocker['from']}): {blocker['reason']}")
    for skipped in plan.skipped:
        lines.append(f"  skipped {skipped['shot']}: {skipped['reason']}")
    data = {"id": str(plan.id), "status": plan.status, "asset": plan.asset_id, "to_version": plan.to_version,
            "shots": plan.shots, "blockers": plan.blockers, "renders": plan.renders, "job": plan.job_id or None,
            "skipped": plan.skipped}
    return Result(lines=lines, data=data)
