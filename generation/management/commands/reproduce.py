"""`reproduce <episode or cut>`: render stored manifests again and compare the output hashes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from episodes.lookups import CUT, EPISODE, shot_labels
from generation.management.console import follow, runs_inline
from generation.services import episode_reproduce
from studios.console import ConsoleCommand, Result, table
from studios.lookup import LookupFailed, find

VERDICTS = {True: "identical", False: "DIFFERENT", None: "failed"}


class Command(ConsoleCommand):
    help = "Reproduce an episode's latest renders (or a locked cut's) and report identical/different outputs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help=f"an episode ({EPISODE.ways()}) or a cut ({CUT.ways()})")
        self.add_common(parser)

    def run(self, **options: Any) -> Result:
        actor = self.actor(options)
        try:
            target = {"cut_id": str(find(actor, CUT, options["target"]).id)}
        except LookupFailed as not_a_cut:
            try:
                target = {"episode_id": str(find(actor, EPISODE, options["target"]).id)}
            except LookupFailed as not_an_episode:
                raise LookupFailed(f"{not_an_episode.message} Nor a cut: {not_a_cut.message}",
                                   candidates=not_an_episode.candidates + not_a_cut.candidates) from None
        job = follow(episode_reproduce(actor=actor, **target), inline=runs_inline(), stream=self.stderr,
                     quiet=options["json"])
        result = job.result or {}
        details = result.get("details", [])
        labels = shot_labels((d["shot"], d["shot_revision"]) for d in details)
        lines = [f"job {str(job.id)[:8]} (reproduce): {job.status}; identical {result.get('identical', 0)}, "
                 f"different {result.get('different', 0)}"]
        rows = []
        for detail in details:
            label = labels.get((detail["shot"], detail["shot_revision"]))
            environment = "; ".join(f"{d['key']}: recorded {d['recorded']!r}, now {d['current']!r}"
                                    for d in detail.get("environment", []))
            rows.append((label.code if label else detail["shot"], label.title if label else "",
                         f"r{detail['shot_revision']}", _verdict(detail), environment))
        if rows:
            lines += table(["shot", "title", "revision", "verdict", "environment differences"], rows)
        refused = "" if job.status == "succeeded" and not result.get("different") else \
            "the reproduction was not identical"
        return Result(lines=lines, data={"job": str(job.id), "status": job.status, **result}, refused=refused)


def _verdict(detail: dict[str, Any]) -> str:
    """identical / DIFFERENT / failed, with what a clip's comparison found (file, frames or encoder)."""
    verdict = VERDICTS[detail.get("identical")]
    return f"{verdict} (clip: {detail['clip']['reason']})" if detail.get("clip") else verdict
