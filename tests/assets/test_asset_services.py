from __future__ import annotations

import pytest

import eventlog
from assets import services
from assets.errors import AssetVersionConflict, InvalidPin, InvalidTransition
from assets.models import Asset, AssetVersion, ComponentEdge
from config.errors import Forbidden, InvalidInput, NotFound

pytestmark = pytest.mark.django_db


def _types(asset) -> list[str]:
    return [e.type for e in eventlog.load_stream(f"asset-{asset.id}")]


def test_creating_an_asset_records_the_asset_and_its_first_draft_version(make_asset, upload, admin_user):
    # given
    sha = upload(1)
    # when
    asset = make_asset("Mara", attributes={"description": "A lighthouse keeper", "palette": ["#AbC", "#102030"],
                                           "age_range": {"min": 30, "max": 40}}, references=[sha], note="first")
    # then
    assert _types(asset) == ["AssetCreated", "AssetVersionCreated"]
    assert (asset.kind, asset.name, asset.latest_version, asset.approved_version) == ("character", "Mara", 1, None)
    version = AssetVersion.objects.get(asset=asset, number=1)
    assert version.status == "draft"
    assert version.attributes == {"description": "A lighthouse keeper", "palette": ["#aabbcc", "#102030"],
                                  "age_range": {"min": 30, "max": 40}}
    assert version.references == [sha]
    assert (version.note, version.created_by, version.components, version.derived_from) == ("first", "ada", [], None)


def test_a_new_version_keeps_references_and_components_when_they_are_omitted(make_asset, upload, admin_user):
    # given
    sha = upload(1)
    coat = make_asset("Coat", kind="costume", attributes={"garments": ["oilskin coat"]})
    mara = make_asset("Mara", references=[sha], components=[{"asset": str(coat.id), "version": 1}])
    # when
    version = services.asset_version_create(actor=admin_user, asset_id=str(mara.id), expected_version=1,
                                            attributes={"description": "Older now"}, note="aged")
    # then
    assert version.number == 2
    assert version.references == [sha]
    assert version.components == [{"asset": str(coat.id), "version": 1}]
    assert version.attributes == {"description": "Older now"}
    assert Asset.objects.get(pk=mara.id).latest_version == 2
    assert ComponentEdge.objects.filter(parent_id=f"{mara.id}:2").count() == 1


def test_a_new_version_from_a_stale_version_is_refused_with_the_current_version(make_asset, admin_user,
                                                                                no_new_events):
    # given
    asset = make_asset()
    services.asset_version_create(actor=admin_user, asset_id=str(asset.id), expected_version=1, attributes={})
    # when
    with no_new_events(), pytest.raises(AssetVersionConflict) as refused:
        services.asset_version_create(actor=admin_user, asset_id=str(asset.id), expected_version=1, attributes={})
    # then
    assert refused.value.status == 409
    assert refused.value.extra == {"current_version": 2, "expected_version": 1}


def test_a_review_step_between_load_and_append_does_not_make_a_new_version_stale(make_asset, admin_user):
    # given a submitted version (the stream moved on, the latest version did not)
    asset = make_asset()
    services.asset_version_submit(actor=admin_user, asset_id=str(asset.id), number=1)
    # when
    version = services.asset_version_create(actor=admin_user, asset_id=str(asset.id), expected_version=1,
                                            attributes={})
    # then
    assert version.number == 2


def test_unknown_or_ill_typed_attributes_are_refused_naming_the_field(make_asset, no_new_events):
    # when
    with no_new_events(), pytest.raises(InvalidInput) as refused:
        make_asset(attributes={"description": 3, "palette": ["#12345g"], "wingspan": 2})
    # then
    assert refused.value.status == 400
    assert refused.value.extra["fields"] == {
        "attributes.description": ["Must be a string."],
        "attributes.palette[0]": ['Must be a hex colour like "#1a2b3c".'],
        "attributes.wingspan": [refused.value.extra["fields"]["attributes.wingspan"][0]],
    }
    assert refused.value.extra["fields"]["attributes.wingspan"][0].startswith("Unknown field; allowed: description")


def test_references_must_be_blobs_of_the_studio(make_asset, no_new_events):
    # when
    with no_new_events(), pytest.raises(InvalidInput) as refused:
        make_asset(references=["a" * 64])
    # then
    assert list(refused.value.extra["fields"]) == ["references[0]"]
    assert "not a blob of this studio" in refused.value.message


def test_pins_to_unknown_assets_or_versions_are_refused(make_asset, no_new_events):
    # given
    coat = make_asset("Coat", kind="costume", attributes={})
    # when / then
    for pin in ({"asset": str(coat.id), "version": 2}, {"asset": "0c6f2d1e-0000-4000-8000-000000000000", "version": 1},
                {"asset": "not-an-id", "version": 1}, {"asset": str(coat.id)}):
        with no_new_events(), pytest.raises(InvalidPin) as refused:
            make_asset("Mara", components=[pin])
        assert refused.value.status == 400
        assert list(refused.value.extra["fields"])[0].startswith("components[0]")


def test_pins_to_another_studios_assets_are_refused_like_unknown_ones(make_asset, make_user, no_new_events):
    # given
    from studios.services import studio_create

    other_admin = make_user("otto")
    other = studio_create(actor=other_admin, name="Other Films")
    foreign = services.asset_create(actor=other_admin, studio_id=str(other.id), kind="costume", name="Cape",
                                    attributes={})
    # when
    with no_new_events(), pytest.raises(InvalidPin) as refused:
        make_asset("Mara", components=[{"asset": str(foreign.id), "version": 1}])
    # then
    assert refused.value.message == (f"components[0]: version 1 of asset {foreign.id} does not exist in this studio.")


def test_component_cycles_are_refused(make_asset, admin_user, no_new_events):
    # given Mara v1 has no components; the coat v1 pins Mara v1
    mara = make_asset("Mara")
    coat = make_asset("Coat", kind="costume", attributes={}, components=[{"asset": str(mara.id), "version": 1}])
    # when Mara v2 would pin the coat, which already contains Mara
    with no_new_events(), pytest.raises(InvalidPin) as refused:
        services.asset_version_create(actor=admin_user, asset_id=str(mara.id), expected_version=1, attributes={},
                                      components=[{"asset": str(coat.id), "version": 1}])
    # then
    assert "cycle" in refused.value.message


def test_an_asset_can_not_pin_itself(make_asset, admin_user, no_new_events):
    # given
    mara = make_asset("Mara")
    # when / then
    with no_new_events(), pytest.raises(InvalidPin):
        services.asset_version_create(actor=admin_user, asset_id=str(mara.id), expected_version=1, attributes={},
                                      components=[{"asset": str(mara.id), "version": 1}])


def test_derived_from_must_be_an_asset_of_the_same_kind(make_asset, no_new_events):
    # given
    mara = make_asset("Mara")
    coat = make_asset("Coat", kind="costume", attributes={})
    # when
    variant = make_asset("Mara (winter)", derived_from={"asset": str(mara.id), "version": 1})
    with no_new_events(), pytest.raises(InvalidPin) as refused:
        make_asset("Mara (coat)", derived_from={"asset": str(coat.id), "version": 1})
    # then
    assert AssetVersion.objects.get(asset=variant, number=1).derived_from == {"asset": str(mara.id), "version": 1}
    assert refused.value.message == "derived_from: a character can only derive from a character, not a costume."


def test_the_review_workflow_moves_a_version_from_draft_to_approved(make_asset, member):
    # given
    artist, supervisor = member("ines", "artist"), member("sam", "supervisor")
    asset = make_asset()
    # when
    services.asset_version_submit(actor=artist, asset_id=str(asset.id), number=1, comment="ready")
    approved = services.asset_version_approve(actor=supervisor, asset_id=str(asset.id), number=1, comment="lovely")
    # then
    assert approved.status == "approved"
    assert Asset.objects.get(pk=asset.id).approved_version == 1
    recorded = eventlog.load_stream(f"asset-{asset.id}")
    assert [(e.type, e.metadata["actor"], e.data.get("comment")) for e in recorded[2:]] == [
        ("AssetVersionSubmitted", "ines", "ready"), ("AssetVersionApproved", "sam", "lovely")]


def test_artists_may_not_approve_reject_or_retire(make_asset, member, no_new_events):
    # given
    artist = member("ines", "artist")
    asset = make_asset()
    services.asset_version_submit(actor=artist, asset_id=str(asset.id), number=1)
    # when / then
    for step in (services.asset_version_approve, services.asset_version_reject, services.asset_version_retire):
        with no_new_events(), pytest.raises(Forbidden):
            step(actor=artist, asset_id=str(asset.id), number=1)


def test_viewers_may_not_create_or_submit(make_asset, member, studio, no_new_events):
    # given
    viewer = member("vic", "viewer")
    asset = make_asset()
    # when / then
    with no_new_events(), pytest.raises(Forbidden):
        services.asset_create(actor=viewer, studio_id=str(studio.id), kind="prop", name="Lamp", attributes={})
    with no_new_events(), pytest.raises(Forbidden):
        services.asset_version_submit(actor=viewer, asset_id=str(asset.id), number=1)


def test_non_members_get_not_found(make_asset, make_user, no_new_events):
    # given
    stranger = make_user("eve")
    asset = make_asset()
    # when / then
    with no_new_events(), pytest.raises(NotFound):
        services.asset_version_submit(actor=stranger, asset_id=str(asset.id), number=1)


@pytest.mark.parametrize(("status_steps", "step"), [
    ([], "approve"), ([], "reject"), (["submit"], "submit"), (["submit", "approve"], "approve"),
    (["submit", "reject"], "submit"), (["retire"], "retire"), (["submit", "approve", "retire"], "submit"),
])
def test_invalid_transitions_are_refused_as_rule_violations(make_asset, admin_user, no_new_events, status_steps,
                                                            step):
    # given
    asset = make_asset()
    for done in status_steps:
        getattr(services, f"asset_version_{done}")(actor=admin_user, asset_id=str(asset.id), number=1)
    # when / then
    with no_new_events(), pytest.raises(InvalidTransition) as refused:
        getattr(services, f"asset_version_{step}")(actor=admin_user, asset_id=str(asset.id), number=1)
    assert refused.value.status == 422


def test_retiring_the_approved_version_falls_back_to_the_highest_approved_one(make_asset, admin_user):
    # given versions 1 and 2 approved
    asset = make_asset()
    services.asset_version_create(actor=admin_user, asset_id=str(asset.id), expected_version=1, attributes={})
    for number in (1, 2):
        services.asset_version_submit(actor=admin_user, asset_id=str(asset.id), number=number)
        services.asset_version_approve(actor=admin_user, asset_id=str(asset.id), number=number)
    assert Asset.objects.get(pk=asset.id).approved_version == 2
    # when
    services.asset_version_retire(actor=admin_user, asset_id=str(asset.id), number=2, comment="off-model")
    # then
    refreshed = Asset.objects.get(pk=asset.id)
    assert (refreshed.approved_version, refreshed.latest_version, refreshed.latest_status) == (1, 2, "retired")


def test_review_of_an_unknown_version_is_not_found(make_asset, admin_user, no_new_events):
    # given
    asset = make_asset()
    # when / then
    with no_new_events(), pytest.raises(NotFound):
        services.asset_version_submit(actor=admin_user, asset_id=str(asset.id), number=7)
