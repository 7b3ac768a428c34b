from __future__ import annotations

from django.urls import path

from generation import apis

urlpatterns = [
    path("models/", apis.ModelListApi.as_view(), name="models"),
    path("models/<uuid:model_id>/", apis.ModelDetailApi.as_view(), name="model"),
    path("episodes/<uuid:episode_id>/render/", apis.EpisodeRenderApi.as_view(), name="episode-render"),
    path("episodes/<uuid:episode_id>/reproduce/", apis.EpisodeReproduceApi.as_view(), name="episode-reproduce"),
    path("jobs/<uuid:job_id>/", apis.JobDetailApi.as_view(), name="job"),
    path("jobs/<uuid:job_id>/cancel/", apis.JobCancelApi.as_view(), name="job-cancel"),
    path("renders/<uuid:render_id>/", apis.RenderDetailApi.as_view(), name="render"),
    path("renders/<uuid:render_id>/provenance/", apis.RenderProvenanceApi.as_view(), name="render-provenance"),
    path("rerender-plans/", apis.PlanListApi.as_view(), name="rerender-plans"),
    path("rerender-plans/<uuid:plan_id>/", apis.PlanDetailApi.as_view(), name="rerender-plan"),
    path("rerender-plans/<uuid:plan_id>/approve/", apis.PlanApproveApi.as_view(), name="rerender-plan-approve"),
    path("rerender-plans/<uuid:plan_id>/execute/", apis.PlanExecuteApi.as_view(), name="rerender-plan-execute"),
]
