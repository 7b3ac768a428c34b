from __future__ import annotations

from django.urls import path

from reviews import apis

urlpatterns = [
    path("cuts/<uuid:cut_id>/approve/", apis.CutApproveApi.as_view(), name="cut-approve"),
    path("cuts/<uuid:cut_id>/approvals/", apis.CutApprovalListApi.as_view(), name="cut-approvals"),
    path("episodes/<uuid:episode_id>/approvals/", apis.EpisodeApprovalListApi.as_view(), name="episode-approvals"),
    path("approvals/<uuid:approval_id>/", apis.ApprovalDetailApi.as_view(), name="approval"),
]
