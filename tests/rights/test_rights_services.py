from __future__ import annotations

import datetime

import pytest

import eventlog
from config.errors import Forbidden, InvalidInput, NotFound
from eventlog import ConcurrencyError
from rights.errors import ExclusivityConflict, NothingToAmend, RightsStatusError, RightsTerminatedError
from rights.services import rights_amend, rights_grant, rights_reinstate, rights_suspend, rights_terminate

pytestmark = pytest.mark.django_db


def test_granting_rights_records_one_event_and_an_active_record(make_asset, manager, terms):
    # given
    asset = make_asset("Captain Tern")

    # when
    record = rights_grant(actor=manager, asset_id=str(asset.id), **terms(
        territories={"worldwide": False, "include": ["gb", "IE", "GB"], "exclude": []},
        media=["SVOD", "theatrical"], languages=["EN", "ga"], restrictions=["no_ai_training"],
        exclusive=True, contract_ref="NW-2026-014"))

    # then
    events = eventlog.load_stream(f"rights-{record.id}")
    assert [(e.type, e.stream_version) for e in events] == [("RightsGranted", 1)]
    assert events[0].data["territories_include"] == ["GB", "IE"]
    assert events[0].metadata["actor"] == "rita"
    assert events[0].metadata["studio"] == str(asset.studio_id)
    assert (record.status, record.version, record.asset_version) == ("active", 1, None)
    assert (record.territories_include, record.media, record.languages) == (["GB", "IE"], ["svod", "theatrical"],
                                                                            ["en", "ga"])
    assert record.window_start == datetime.date(2026, 1, 1)
    assert record.window_end == datetime.date(2026, 12, 31)
    assert (record.exclusive, record.restrictions, record.contract_ref) == (True, ["no_ai_training"], "NW-2026-014")
    assert record.created_by == "rita"


def test_rights_can_cover_a_single_version_of_an_asset(make_asset, new_version, grant):
    # given
    asset = make_asset()
    second = new_version(asset)

    # when
    record = grant(asset, asset_version=second)

    # then
    assert record.asset_version == 2


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"territories": {"worldwide": False, "include": ["UK"], "exclude": []}}, "territories", "Unknown code(s): UK."),
    ({"territories": {"worldwide": True, "include": [], "exclude": ["XX", "ZZ"]}}, "territories",
     "Unknown code(s): XX, ZZ."),
    ({"territories": {"worldwide": True, "include": ["FR"], "exclude": []}}, "territories",
     "Either worldwide or an include list, not both."),
    ({"territories": {"worldwide": False, "include": [], "exclude": []}}, "territories",
     "Worldwide, or at least one included territory."),
    ({"territories": {"worldwide": False, "include": ["FR", "DE"], "exclude": ["DE"]}}, "territories",
     "Both included and excluded: DE."),
    ({"media": ["cinema"]}, "media", "Unknown code(s): cinema."),
    ({"media": []}, "media", "At least one of svod, avod, tvod, est, broadcast, pay_tv, theatrical, home_video, "
                             "social, airline, festival, promotional."),
    ({"languages": ["english"]}, "languages", "Unknown code(s): english."),
    ({"languages": ["en", "SH"]}, "languages", "Unknown code(s): sh."),
    ({"territories": {"worldwide": False, "include": ["GBR", "gb"], "exclude": []}}, "territories",
     "Unknown code(s): GBR."),
    ({"restrictions": ["no_fun"]}, "restrictions", "Unknown code(s): no_fun."),
    ({"window_start": "2026-13-01"}, "window_start", "A date as YYYY-MM-DD."),
    ({"window_start": None}, "window_start", "This field is required."),
    ({"window_end": "2025-12-31"}, "window_end", "Must not be before window_start."),
    ({"licensor": "  "}, "licensor", "This field is required."),
])
def test_invalid_terms_are_refused_naming_the_field_and_append_nothing(
        make_asset, manager, terms, no_new_events, overrides, field, message):
    # given
    asset = make_asset()

    # when
    with no_new_events(), pytest.raises(InvalidInput) as refused:
        rights_grant(actor=manager, asset_id=str(asset.id), **terms(**overrides))

    # then
    assert refused.value.extra["fields"][field] == [message]


def test_a_version_the_asset_does_not_have_is_refused(make_asset, manager, terms, no_new_events):
    # given
    asset = make_asset()

    # when
    with no_new_events(), pytest.raises(InvalidInput) as refused:
        rights_grant(actor=manager, asset_id=str(asset.id), asset_version=2, **terms())

    # then
    assert refused.value.extra["fields"] == {"asset_version": ["Between 1 and 1."]}


def test_artists_may_not_grant_rights_and_other_studios_see_nothing(
        make_asset, member, make_user, terms, no_new_events):
    # given
    asset = make_asset()
    artist = member("arto", "artist")
    outsider = make_user("olga")

    # when / then
    with no_new_events():
        with pytest.raises(Forbidden, match=r"Your role \(artist\) may not do this \(rights.manage\)."):
            rights_grant(actor=artist, asset_id=str(asset.id), **terms())
        with pytest.raises(NotFound):
            rights_grant(actor=outsider, asset_id=str(asset.id), **terms())


def test_amending_records_only_the_changed_terms(make_asset, grant, manager):
    # given
    record = grant(make_asset())

    # when
    amended = rights_amend(actor=manager, rights_id=str(record.id), expected_version=1, reason="Renewed",
                           changes={"window_end": "2027-06-30", "territories": {"exclude": ["kp"]},
                                    "licensor": "Northwind Comics"})

    # then
    events = eventlog.load_stream(f"rights-{record.id}")
    assert [e.type for e in events] == ["RightsGranted", "RightsAmended"]
    assert events[1].data["changes"] == {"window_end": "2027-06-30", "territories_exclude": ["KP"]}
    assert events[1].data["reason"] == "Renewed"
    assert (amended.version, amended.window_end, amended.territories_exclude) == (
        2, datetime.date(2027, 6, 30), ["KP"])


def test_a_record_granted_in_bihari_stays_amendable(make_asset, grant, manager):
    # given
    record = grant(make_asset(), languages=["bh"])

    # when
    amended = rights_amend(actor=manager, rights_id=str(record.id), expected_version=1,
                           changes={"window_end": "2027-06-30"})

    # then
    assert (amended.version, amended.languages, amended.window_end) == (2, ["bh"], datetime.date(2027, 6, 30))


def test_a_stale_amendment_is_a_conflict_with_the_current_version(make_asset, grant, manager, no_new_events):
    # given
    record = grant(make_asset())
    rights_amend(actor=manager, rights_id=str(record.id), expected_version=1, changes={"media": ["svod", "avod"]})

    # when
    with no_new_events(), pytest.raises(ConcurrencyError) as refused:
        rights_amend(actor=manager, rights_id=str(record.id), expected_version=1, changes={"media": ["tvod"]})

    # then
    assert refused.value.status == 409
    assert refused.value.extra == {"current_version": 2, "expected_version": 1}


def test_an_amendment_that_changes_nothing_or_touches_the_asset_is_refused(make_asset, grant, manager,
                                                                           no_new_events):
    # given
    record = grant(make_asset())

    # when / then
    with no_new_events():
        with pytest.raises(NothingToAmend):
            rights_amend(actor=manager, rights_id=str(record.id), expected_version=1, changes={"media": ["SVOD"]})
        with pytest.raises(InvalidInput) as refused:
            rights_amend(actor=manager, rights_id=str(record.id), expected_version=1, changes={"asset_version": 1})
    assert refused.value.extra["fields"] == {"asset_version": ["Cannot be amended."]}


def test_suspending_and_reinstating_follow_the_status(make_asset, grant, manager, no_new_events):
    # given
    record = grant(make_asset())

    # when
    suspended = rights_suspend(actor=manager, rights_id=str(record.id), reason="Invoice unpaid")
    with no_new_events(), pytest.raises(RightsStatusError):
        rights_suspend(actor=manager, rights_id=str(record.id))
    reinstated = rights_reinstate(actor=manager, rights_id=str(record.id), reason="Paid", expected_version=2)

    # then
    assert (suspended.status, suspended.status_reason) == ("suspended", "Invoice unpaid")
    assert (reinstated.status, reinstated.status_reason, reinstated.version) == ("active", "Paid", 3)


def test_a_terminated_record_can_no_longer_change(make_asset, grant, manager, no_new_events):
    # given
    record = grant(make_asset())
    terminated = rights_terminate(actor=manager, rights_id=str(record.id), reason="Contract ended")

    # when / then
    with no_new_events():
        with pytest.raises(RightsTerminatedError):
            rights_amend(actor=manager, rights_id=str(record.id), expected_version=2, changes={"media": ["avod"]})
        with pytest.raises(RightsTerminatedError):
            rights_terminate(actor=manager, rights_id=str(record.id))
        with pytest.raises(RightsTerminatedError):
            rights_reinstate(actor=manager, rights_id=str(record.id))
    assert (terminated.status, terminated.status_reason, terminated.version) == ("terminated", "Contract ended", 2)


def test_exclusive_rights_refuse_an_overlapping_grant_to_another_licensee(make_asset, grant, no_new_events):
    # given
    asset = make_asset()
    exclusive = grant(asset, exclusive=True, territories={"worldwide": False, "include": ["FR", "BE"], "exclude": []})

    # when
    with no_new_events(), pytest.raises(ExclusivityConflict) as refused:
        grant(asset, licensee="Rival Pictures", territories={"worldwide": True, "include": [], "exclude": ["DE"]})

    # then
    assert refused.value.status == 422
    assert refused.value.extra == {"rights": str(exclusive.id), "licensee": "Harbour Films"}


def test_exclusive_rights_allow_grants_that_do_not_overlap(make_asset, grant):
    # given
    asset = make_asset()
    grant(asset, exclusive=True, territories={"worldwide": False, "include": ["FR"], "exclude": []})

    # when
    elsewhere = grant(asset, licensee="Rival Pictures", territories={"worldwide": True, "include": [],
                                                                     "exclude": ["FR"]})
    later = grant(asset, licensee="Rival Pictures", window_start="2027-01-01", window_end=None)
    other_medium = grant(asset, licensee="Rival Pictures", media=["theatrical"])
    same_licensee = grant(asset, media=["svod"])

    # then
    assert [r.status for r in (elsewhere, later, other_medium, same_licensee)] == ["active"] * 4


def test_a_terminated_exclusive_licence_no_longer_blocks_grants(make_asset, grant, manager):
    # given
    asset = make_asset()
    exclusive = grant(asset, exclusive=True)
    rights_terminate(actor=manager, rights_id=str(exclusive.id))

    # when
    record = grant(asset, licensee="Rival Pictures")

    # then
    assert record.status == "active"


def test_the_rights_read_model_equals_a_rebuild(make_asset, new_version, grant, manager, rebuilt_equals_live):
    # given
    asset = make_asset()
    first = grant(asset, exclusive=True)
    second = grant(asset, asset_version=new_version(asset), licensee="Harbour Films", media=["avod"])
    rights_amend(actor=manager, rights_id=str(first.id), expected_version=1,
                 changes={"window_end": None, "restrictions": ["no_political_content"]})
    rights_suspend(actor=manager, rights_id=str(second.id), reason="Audit")
    rights_reinstate(actor=manager, rights_id=str(second.id))
    rights_terminate(actor=manager, rights_id=str(first.id), reason="Sold")

    # when / then
    rebuilt_equals_live()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_amendments_of_one_version_let_exactly_one_win(make_asset, grant, manager):
    # given
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL (SQLite serialises every writer)")
    record = grant(make_asset())
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def amend(medium: str) -> None:
        barrier.wait()
        try:
            rights_amend(actor=manager, rights_id=str(record.id), expected_version=1, changes={"media": [medium]})
            outcomes.append("amended")
        except ConcurrencyError:
            outcomes.append("conflict")
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=amend, args=(m,)) for m in ("avod", "tvod")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert sorted(outcomes) == ["amended", "conflict"]
    assert [e.type for e in eventlog.load_stream(f"rights-{record.id}")] == ["RightsGranted", "RightsAmended"]
