"""`reproduce <episode or cut>`: render stored manifests again and compare the output hashes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.errors import DomainError
from episodes.models import Cut
from generation.management.console import actor_from, add_actor_argument, follow, runs_inline
from generation.services import episode_reproduce


class Command(BaseCommand):
    help = "Reproduce an episode's latest renders (or a locked cut's) and report identical/different outputs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help="episode id or cut id")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        target = options["target"]
        is_cut = Cut.objects.filter(pk=target).exists() if _is_uuid(target) else False
        try:
            job = episode_reproduce(actor=actor_from(options), **({"cut_id": target} if is_cut else
                                                                  {"episode_id": target}))
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}") from None
        job = follow(job, inline=runs_inline(), stream=self.stderr)
        result = job.result or {}
        self.stdout.write(f"job {job.id}: {job.status}; identical {result.get('identical', 0)}, "
                          f"different {result.get('different', 0)}")
        for detail in result.get("details", []):
            verdict = {True: "identical", False: "DIFFERENT", None: "failed"}[detail.get("identical")]
            clip = f" (clip: {detail['clip']['reason']})" if detail.get("clip") else ""
            self.stdout.write(f"  {detail['shot']} r{detail['shot_revision']}: {verdict}{clip}")
            for difference in detail.get("environment", []):
                self.stdout.write(f"    {difference['key']}: recorded {difference['recorded']!r}, "
                                  f"now {difference['current']!r}")
        if job.status != "succeeded" or result.get("different"):
            raise CommandError("the reproduction was not identical")


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
