"""Series, episode, shot, revision and cut endpoints."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import InvalidInput
from episodes import selectors, services
from episodes.cuts import revision_content
from episodes.models import Cut, Episode, Series


def series_body(series: Series) -> dict[str, Any]:
    return {"id": str(series.id), "studio": str(series.studio_id), "title": series.title,
            "created_at": series.created_at.isoformat()}


def episode_body(episode: Episode) -> dict[str, Any]:
    return {"id": str(episode.id), "series": str(episode.series_id), "studio": str(episode.studio_id),
            "number": episode.number, "title": episode.title, "targets": episode.targets,
            "created_at": episode.created_at.isoformat()}


def cut_body(cut: Cut) -> dict[str, Any]:
    return {"id": str(cut.id), "cut": str(cut.id), "episode": str(cut.episode_id), "number": cut.number,
            "hash": cut.hash, "shots": cut.shots, "created_at": cut.created_at.isoformat(),
            "created_by": cut.created_by}


class ShotFields(serializers.Serializer):
    """The fields of a shot revision: types here, bounds in the service (one place, one error code)."""

    order = serializers.IntegerField(required=False)
    title = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    description = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    prompt = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    negative_prompt = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    camera = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    duration = serializers.FloatField(required=False, allow_null=True, help_text="seconds")
    cast = serializers.JSONField(required=False, help_text="[{asset, version: n | \"approved\" | \"latest\", role?}]")
    seed = serializers.IntegerField(required=False)
    width = serializers.IntegerField(required=False, help_text="a multiple of 8 from 64 to 2048")
    height = serializers.IntegerField(required=False, help_text="a multiple of 8 from 64 to 2048")
    steps = serializers.IntegerField(required=False, help_text="1 to 150")
    guidance = serializers.FloatField(required=False, help_text="0 to 30 (default 7.5)")
    model = serializers.CharField(required=False, help_text="a render model id of the episode's studio")
    frames = serializers.IntegerField(required=False, help_text="1 (a still, the default) to 1440: more make a clip")
    fps = serializers.IntegerField(required=False, help_text="a clip's frames per second, 1 to 120 (default 24)")


class SeriesListApi(APIView):
    """List the series of my studios, or create one."""

    class SeriesCreateInput(serializers.Serializer):
        studio = serializers.UUIDField()
        title = serializers.CharField(max_length=200)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        studio = request.query_params.get("studio")
        return Response({"results": [series_body(s) for s in selectors.series_list(user=request.user,
                                                                                     studio_id=studio)]})

    @extend_schema(responses=OpenApiTypes.OBJECT, request=SeriesCreateInput)
    def post(self, request: Request) -> Response:
        data = _valid(self.SeriesCreateInput, request.data)
        series = services.series_create(actor=request.user, studio_id=str(data["studio"]), title=data["title"])
        return Response(series_body(series), status=201)


class SeriesDetailApi(APIView):
    """Show a series and its episodes."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, series_id: str) -> Response:
        series = selectors.series_get(user=request.user, series_id=series_id)
        episodes = selectors.episode_list(user=request.user, series_id=series.id)
        return Response({**series_body(series), "episodes": [episode_body(e) for e in episodes]})


class EpisodeListApi(APIView):
    """List a series' episodes (`?series=`), or add an episode with its distribution targets."""

    class EpisodeCreateInput(serializers.Serializer):
        series = serializers.UUIDField()
        number = serializers.IntegerField(min_value=1)
        title = serializers.CharField(max_length=200)
        targets = serializers.JSONField(required=False, default=list,  # type: ignore[arg-type]  # stubs: mappings only
                                        help_text="[{territory: ISO 3166-1 alpha-2, media, release_date}]")

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        series = request.query_params.get("series")
        if not series:
            raise InvalidInput("series: This query parameter is required.", fields={"series": ["Required."]})
        episodes = selectors.episode_list(user=request.user, series_id=series)
        return Response({"results": [episode_body(e) for e in episodes]})

    @extend_schema(responses=OpenApiTypes.OBJECT, request=EpisodeCreateInput)
    def post(self, request: Request) -> Response:
        data = _valid(self.EpisodeCreateInput, request.data)
        episode = services.episode_create(actor=request.user, series_id=str(data["series"]), number=data["number"],
                                          title=data["title"], targets=data["targets"])
        return Response(episode_body(episode), status=201)


class EpisodeDetailApi(APIView):
    """Show an episode with its shots in order (each with its current revision and cast) and its cuts."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, episode_id: str) -> Response:
        episode = selectors.episode_get(user=request.user, episode_id=episode_id)
        cuts = [{"id": str(c.id), "number": c.number, "hash": c.hash, "created_at": c.created_at.isoformat()}
                for c in selectors.episode_cuts(episode=episode)]
        return Response({**episode_body(episode), "shots": selectors.episode_shots(episode=episode), "cuts": cuts})


class ShotListApi(APIView):
    """List an episode's shots in order, or add a shot (revision 1)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, episode_id: str) -> Response:
        episode = selectors.episode_get(user=request.user, episode_id=episode_id)
        return Response({"results": selectors.episode_shots(episode=episode)})

    @extend_schema(responses=OpenApiTypes.OBJECT, request=ShotFields)
    def post(self, request: Request, episode_id: str) -> Response:
        data = _valid(ShotFields, request.data)
        shot = services.shot_create(actor=request.user, episode_id=episode_id, **_create_args(data))
        return Response({"id": str(shot.id), "revision": shot.revision}, status=201)


class ShotDetailApi(APIView):
    """Show a shot with its current revision."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, shot_id: str) -> Response:
        shot, revision = selectors.shot_get(user=request.user, shot_id=shot_id)
        return Response(selectors.shot_body(shot, revision))


class ShotRevisionListApi(APIView):
    """List a shot's revisions, or append one from `expected_revision` with the changed fields (409 when stale)."""

    class ShotRevisionInput(ShotFields):
        expected_revision = serializers.IntegerField(min_value=1)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, shot_id: str) -> Response:
        revisions = selectors.shot_revisions(user=request.user, shot_id=shot_id)
        return Response({"results": [_revision_body(r) for r in revisions]})

    @extend_schema(responses=OpenApiTypes.OBJECT, request=ShotRevisionInput)
    def post(self, request: Request, shot_id: str) -> Response:
        data = _valid(self.ShotRevisionInput, request.data)
        expected = data.pop("expected_revision")
        revision = services.shot_revise(actor=request.user, shot_id=shot_id, expected_revision=expected, changes=data)
        return Response({**_revision_body(revision), "revision": revision.revision}, status=201)


class ShotRevisionDetailApi(APIView):
    """Show one revision of a shot."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, shot_id: str, revision: int) -> Response:
        found = selectors.shot_revision_get(user=request.user, shot_id=shot_id, revision=revision)
        return Response(_revision_body(found))


class EpisodeLockApi(APIView):
    """Lock the episode's current shot revisions into an immutable cut and return its content hash."""

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, episode_id: str) -> Response:
        cut = services.cut_lock(actor=request.user, episode_id=episode_id)
        return Response(cut_body(cut), status=201)


class EpisodeCutListApi(APIView):
    """List an episode's cuts, newest first."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, episode_id: str) -> Response:
        episode = selectors.episode_get(user=request.user, episode_id=episode_id)
        return Response({"results": [cut_body(c) for c in selectors.episode_cuts(episode=episode)]})


class CutDetailApi(APIView):
    """Show a cut with the full content of every shot revision it locked."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, cut_id: str) -> Response:
        cut, revisions = selectors.cut_get(user=request.user, cut_id=cut_id)
        return Response({**cut_body(cut), "revisions": revisions})


def _revision_body(revision: Any) -> dict[str, Any]:
    return {**revision_content(revision), "created_at": revision.created_at.isoformat(),
            "created_by": revision.created_by}


def _create_args(data: dict[str, Any]) -> dict[str, Any]:
    # Required fields missing from the body reach the service as None, which names them in its 400.
    required = {name: data.get(name) for name in ("prompt", "cast", "seed", "width", "height", "steps", "model")}
    return {**data, **required}


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
