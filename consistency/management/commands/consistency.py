"""`consistency <episode|series>`: the per-character report; `consistency reindex`: rebuild look-alike indexes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from config.types import Actor
from consistency.search_index import index_add_render, index_rebuild
from consistency.selectors import episode_report, latest_score, series_report
from consistency.services import render_score
from episodes.lookups import EPISODE, SERIES
from episodes.models import Episode, Series
from generation.management.console import runs_inline
from generation.models import Render
from studios.console import ConsoleCommand, Result, table
from studios.lookup import LookupFailed, find, studio_find
from studios.models import Studio


class Command(ConsoleCommand):
    help = ("Print the consistency report of an episode or a series (scoring its unscored renders here when no "
            "worker runs them: the in-process broker), or `reindex [--studio]` to rebuild look-alike indexes.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help=f"an episode ({EPISODE.ways()}), a series ({SERIES.ways()}), or 'reindex'")
        parser.add_argument("--studio", default="", help="reindex: only this studio (id or name)")
        self.add_common(parser)

    def run(self, **options: Any) -> Result:
        if options["target"] == "reindex":
            return self.reindex(options)
        actor = self.actor(options)
        target = _episode_or_series(actor, options["target"])
        is_episode = isinstance(target, Episode)
        if runs_inline():
            episodes = Episode.objects.filter(**({"pk": target.id} if is_episode else {"series_id": target.id}))
            self.score_pending(list(episodes), quiet=options["json"])
        report = (episode_report(user=actor, episode_id=str(target.id)) if is_episode
                  else series_report(user=actor, series_id=str(target.id)))
        return Result(lines=_lines(report), data=report)

    def reindex(self, options: dict[str, Any]) -> Result:
        """Rebuild the look-alike index of one studio, or of every studio."""
        if options["studio"]:
            studios = [str(studio_find(self.actor(options), options["studio"]).id)]
        else:
            studios = [str(s) for s in Studio.objects.values_list("id", flat=True)]
        counts = {studio: index_rebuild(studio) for studio in studios}
        return Result(lines=table(["studio", "vectors"], list(counts.items())), data=counts)

    def score_pending(self, episodes: list[Episode], *, quiet: bool) -> None:
        """Score the episodes' unscored renders here (no worker consumes the in-process queue of a command)."""
        shots = [str(s) for e in episodes for s in e.shots.values_list("id", flat=True)]
        for render in Render.objects.filter(shot_id__in=shots).order_by("created_at"):
            if latest_score(str(render.id)) is None:
                score = render_score(render_id=str(render.id))
                if score is not None and score.status == "scored":
                    index_add_render(render_id=str(render.id))
                if not quiet:
                    self.stderr.write(f"scored render {render.id}", style_func=str)


def _episode_or_series(actor: Actor, value: str) -> Episode | Series:
    """The episode `value` names, else the series (LookupFailed naming both lookups when neither)."""
    try:
        episode: Episode = find(actor, EPISODE, value)
        return episode
    except LookupFailed as not_an_episode:
        try:
            series: Series = find(actor, SERIES, value)
            return series
        except LookupFailed as not_a_series:
            raise LookupFailed(f"{not_an_episode.message} Nor a series: {not_a_series.message}",
                               candidates=not_an_episode.candidates + not_a_series.candidates) from None


def _lines(report: dict[str, Any]) -> list[str]:
    rows, trends = [], []
    for c in report["characters"]:
        v, worst = c["verdicts"], c["worst_shot"]
        rows.append((c["name"], c["shots"], f"{c['mean']:.3f}", f"{c['min']:.3f}", v["on_model"], v["drifting"],
                     v["off_model"], f"{worst['shot']} ({worst['verdict']})"))
        if "episodes" in c:
            trend = ", ".join(f"ep {e['number']}: {e['mean']:.3f}" for e in c["episodes"])
            trends.append(f"{c['name']}: trend {trend} (drift {c['drift']:+.3f})")
    header = ["character", "shots", "mean", "min", "on model", "drifting", "off model", "worst shot"]
    return [f"embedder: {report['embedder']}", *table(header, rows), *trends]
