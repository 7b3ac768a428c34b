"""Continuity Studio's pages (its URLs are its own; scripts use /api/)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from web.views import assets, delivery, episodes, library, redesign, session, studio

app_name = "web"

urlpatterns = [
    path("", session.home, name="home"),
    path("login/", session.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("studio/", session.studio_switch, name="studio-switch"),
    path("library/", library.library, name="library"),
    path("library/bulk/", library.library_bulk, name="library-bulk"),
    path("assets/new/", assets.asset_new, name="asset-new"),
    path("assets/<uuid:asset_id>/", assets.asset_detail, name="asset"),
    path("assets/<uuid:asset_id>/compare/", assets.asset_compare, name="asset-compare"),
    path("assets/<uuid:asset_id>/versions/new/", assets.version_new, name="version-new"),
    path("assets/<uuid:asset_id>/versions/<int:number>/<str:step>/", assets.version_review, name="version-review"),
    path("assets/<uuid:asset_id>/impact/", redesign.impact, name="impact"),
    path("assets/<uuid:asset_id>/plans/", redesign.plan_create, name="plan-create"),
    path("plans/<uuid:plan_id>/", redesign.plan_detail, name="plan"),
    path("plans/<uuid:plan_id>/<str:step>/", redesign.plan_step, name="plan-step"),
    path("approvals/", studio.approvals, name="approvals"),
    path("episodes/", episodes.episode_list, name="episodes"),
    path("episodes/<uuid:episode_id>/", episodes.storyboard, name="episode"),
    path("episodes/<uuid:episode_id>/shots/", episodes.storyboard_shots, name="episode-shots"),
    path("episodes/<uuid:episode_id>/availability/", studio.availability, name="availability"),
    path("episodes/<uuid:episode_id>/consistency/", episodes.episode_consistency, name="episode-consistency"),
    path("episodes/<uuid:episode_id>/<str:action>/", episodes.episode_action, name="episode-action"),
    path("shots/<uuid:shot_id>/", episodes.shot_detail, name="shot"),
    path("shots/<uuid:shot_id>/revise/", episodes.shot_revise, name="shot-revise"),
    path("renders/<uuid:render_id>/provenance/", episodes.render_provenance, name="provenance"),
    path("cuts/<uuid:cut_id>/exports/", delivery.cut_export, name="cut-export"),
    path("exports/<uuid:export_id>/", delivery.export_progress, name="export"),
    path("jobs/", studio.jobs, name="jobs"),
    path("jobs/<uuid:job_id>/", episodes.job_progress, name="job"),
    path("jobs/<uuid:job_id>/cancel/", studio.job_cancel, name="job-cancel"),
    path("audit/", studio.audit, name="audit"),
    path("audit/verify/", studio.audit_verify, name="audit-verify"),
    path("rights/", studio.rights, name="rights"),
    path("lineage/", studio.lineage, name="lineage"),
]
