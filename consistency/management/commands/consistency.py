"""`consistency <episode|series>`: the per-character report; `consistency reindex`: rebuild look-alike indexes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.errors import DomainError
from consistency.search_index import index_rebuild
from consistency.selectors import episode_report, latest_score, series_report
from consistency.services import render_score
from episodes.models import Episode, Series
from generation.management.console import actor_from, add_actor_argument, runs_inline
from generation.models import Render
from studios.models import Studio


class Command(BaseCommand):
    help = ("Print the consistency report of an episode or a series (scoring its unscored renders here when no "
            "worker runs them: the in-process broker), or `reindex [--studio]` to rebuild look-alike indexes.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help="episode id, series id, or 'reindex'")
        parser.add_argument("--studio", default="", help="reindex: only this studio (id)")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["target"] == "reindex":
            everyone = [str(s) for s in Studio.objects.values_list("id", flat=True)]
            studios = [options["studio"]] if options["studio"] else everyone
            for studio in studios:
                self.stdout.write(f"studio {studio}: {index_rebuild(studio)} vector(s)")
            return
        actor = actor_from(options)
        target = options["target"]
        try:
            episode = Episode.objects.filter(pk=target).first()
            series = None if episode else Series.objects.filter(pk=target).first()
        except (ValueError, DomainError):
            episode = series = None
        if episode is None and series is None:
            raise CommandError(f"No episode or series {target!r}.")
        episodes = [episode] if episode else list(Episode.objects.filter(series_id=series.id))  # type: ignore[union-attr]
        if runs_inline():
            self._score_pending(episodes)
        try:
            report = (episode_report(user=actor, episode_id=target) if episode
                      else series_report(user=actor, series_id=target))
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}") from None
        self.stdout.write(_table(report))

    def _score_pending(self, episodes: list[Episode]) -> None:
        shots = [str(s) for e in episodes for s in e.shots.values_list("id", flat=True)]
        for render in Render.objects.filter(shot_id__in=shots).order_by("created_at"):
            if latest_score(str(render.id)) is None:
                from consistency.search_index import index_add_render

                score = render_score(render_id=str(render.id))
                if score is not None and score.status == "scored":
                    index_add_render(render_id=str(render.id))
                self.stderr.write(f"scored render {render.id}")


def _table(report: dict[str, Any]) -> str:
    lines = [f"embedder: {report['embedder']}",
             f"{'character':<20} {'shots':>5} {'mean':>7} {'min':>7} {'on':>4} {'drift':>5} {'off':>4}  worst shot"]
    for c in report["characters"]:
        v, worst = c["verdicts"], c["worst_shot"]
        lines.append(f"{c['name'][:20]:<20} {c['shots']:>5} {c['mean']:>7.3f} {c['min']:>7.3f} {v['on_model']:>4} "
                     f"{v['drifting']:>5} {v['off_model']:>4}  {worst['shot']} ({worst['verdict']})")
        if "episodes" in c:
            trend = ", ".join(f"ep {e['number']}: {e['mean']:.3f}" for e in c["episodes"])
            lines.append(f"{'':<20} trend {trend} (drift {c['drift']:+.3f})")
    return "\n".join(lines)
