"""`rerender plan|approve|execute`: re-render plans from impact analysis."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.errors import DomainError
from generation.management.console import actor_from, add_actor_argument, follow, runs_inline, summary
from generation.models import Job
from generation.services import plan_approve, plan_create, plan_execute


class Command(BaseCommand):
    help = "Plan, approve and execute re-renders after an asset gets a new version."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        plan = sub.add_parser("plan", help="compute a plan for an asset")
        plan.add_argument("asset")
        plan.add_argument("--to-version", type=int)
        plan.add_argument("--episode", action="append", default=[], help="limit to these episodes")
        for name in ("approve", "execute"):
            action = sub.add_parser(name)
            action.add_argument("plan")
            if name == "execute":
                action.add_argument("--wait", action="store_true")
        for action in sub.choices.values():
            add_actor_argument(action)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_from(options)
        try:
            if options["action"] == "plan":
                plan = plan_create(actor=actor, asset_id=options["asset"], to_version=options["to_version"],
                                   episodes=options["episode"])
            elif options["action"] == "approve":
                plan = plan_approve(actor=actor, plan_id=options["plan"])
            else:
                plan = plan_execute(actor=actor, plan_id=options["plan"])
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}") from None
        self.stdout.write(json.dumps({"id": str(plan.id), "status": plan.status, "shots": plan.shots,
                                      "blockers": plan.blockers, "renders": plan.renders, "job": plan.job_id or None,
                                      "skipped": plan.skipped}, indent=2))
        if options["action"] == "execute" and (runs_inline() or options.get("wait")):
            job = follow(Job.objects.get(pk=plan.job_id), inline=runs_inline(), stream=self.stderr)
            self.stdout.write(summary(job))
