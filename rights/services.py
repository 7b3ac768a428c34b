"""Rights use cases: grant, amend, suspend, reinstate and terminate licences on assets."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import eventlog
from assets.models import Asset, AssetVersion
from config.errors import InvalidInput, NotFound
from config.types import Actor
from rights.errors import ExclusivityConflict, NothingToAmend, RightsStatusError, RightsTerminatedError
from rights.events import (
    RightsAmended,
    RightsGranted,
    RightsReinstated,
    RightsSuspended,
    RightsTerminated,
    stream,
)
from rights.models import RightsRecord, RightsStatus
from rights.terms import AMENDABLE, Terms, terms_data_of, terms_from, terms_overlap
from studios.access import authorize

MANAGE = "rights.manage"


def rights_grant(
    *,
    actor: Actor,
    asset_id: Any,
    asset_version: int | None = None,
    licensor: str,
    licensee: str,
    territories: dict[str, Any],
    media: list[str],
    window_start: date | str,
    window_end: date | str | None = None,
    languages: list[str] | None = None,
    exclusive: bool = False,
    restrictions: list[str] | None = None,
    contract_ref: str = "",
    note: str = "",
) -> RightsRecord:
    """Record a licence on an asset (or on one of its versions)."""
    asset = _asset(asset_id)
    authorize(actor, asset.studio_id, MANAGE)
    _check_version_exists(asset, asset_version)
    terms = terms_from(dict(
        licensor=licensor, licensee=licensee, territories=territories, media=media, languages=languages,
        window_start=window_start, window_end=window_end, exclusive=exclusive, restrictions=restrictions,
        contract_ref=contract_ref, note=note,
    ))
    _check_exclusivity(terms, asset_id=asset.id, asset_version=asset_version, ignore=None)
    rights_id = str(uuid.uuid4())
    event = RightsGranted(rights_id=rights_id, studio_id=str(asset.studio_id), asset_id=str(asset.id),
                          asset_version=asset_version, **terms.as_data())
    eventlog.append(stream(rights_id), [event], expected_version=0, actor=actor, studio_id=str(asset.studio_id))
    return RightsRecord.objects.get(pk=rights_id)


def rights_amend(
    *, actor: Actor, rights_id: Any, expected_version: int, changes: dict[str, Any], reason: str = ""
) -> RightsRecord:
    """Change some terms of a licence, refusing a stale `expected_version`."""
    record = _record_for(actor, rights_id)
    _check_not_terminated(record)
    unknown = sorted(set(changes) - set(AMENDABLE))
    if unknown:
        raise InvalidInput(f"These fields cannot be amended: {', '.join(unknown)}.",
                           fields={name: ["Cannot be amended."] for name in unknown})
    terms = terms_from(_merged(terms_data_of(record), changes))
    changed = _changed_fields(record, terms)
    if not changed:
        raise NothingToAmend("The amendment changes no term.", fields={})
    _check_exclusivity(terms, asset_id=record.asset_id, asset_version=record.asset_version, ignore=record.id)
    event = RightsAmended(rights_id=str(record.id), changes=changed, reason=(reason or "").strip())
    _append(actor, record, event, expected_version)
    return RightsRecord.objects.get(pk=record.id)


def rights_suspend(*, actor: Actor, rights_id: Any, reason: str = "", expected_version: int | None = None
                   ) -> RightsRecord:
    """Suspend an active licence: it covers nothing until reinstated."""
    return _change_status(actor, rights_id, RightsSuspended, RightsStatus.ACTIVE, reason, expected_version)


def rights_reinstate(*, actor: Actor, rights_id: Any, reason: str = "", expected_version: int | None = None
                     ) -> RightsRecord:
    """Reinstate a suspended licence."""
    return _change_status(actor, rights_id, RightsReinstated, RightsStatus.SUSPENDED, reason, expected_version)


def rights_terminate(*, actor: Actor, rights_id: Any, reason: str = "", expected_version: int | None = None
                     ) -> RightsRecord:
    """End a licence for good."""
    record = _record_for(actor, rights_id)
    _check_not_terminated(record)
    _append(actor, record, RightsTerminated(rights_id=str(record.id), reason=(reason or "").strip()),
            expected_version)
    return RightsRecord.objects.get(pk=record.id)


def _merged(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Overlay changes on the current terms; `territories` keys left out of a change keep their value."""
    merged = {**current, **changes}
    if isinstance(changes.get("territories"), dict):
        merged["territories"] = {**current["territories"], **changes["territories"]}
    return merged


def _change_status(actor: Actor, rights_id: Any, event_class: type, required: str, reason: str,
                   expected_version: int | None) -> RightsRecord:
    record = _record_for(actor, rights_id)
    _check_not_terminated(record)
    if record.status != required:
        raise RightsStatusError(f"The rights record is {record.status}, not {required}.",
                                extra={"status": record.status})
    _append(actor, record, event_class(rights_id=str(record.id), reason=(reason or "").strip()), expected_version)
    return RightsRecord.objects.get(pk=record.id)


def _append(actor: Actor, record: RightsRecord, event: Any, expected_version: int | None) -> None:
    eventlog.append(stream(str(record.id)), [event], expected_version=expected_version, actor=actor,
                    studio_id=str(record.studio_id))


def _asset(asset_id: Any) -> Asset:
    asset = Asset.objects.filter(pk=_uuid(asset_id)).first()
    if asset is None:
        raise NotFound("Not found.")
    return asset


def _record_for(actor: Actor, rights_id: Any) -> RightsRecord:
    """Return the record if the actor may manage rights in its studio (NotFound for other studios)."""
    record = RightsRecord.objects.filter(pk=_uuid(rights_id)).first()
    if record is None:
        raise NotFound("Not found.")
    authorize(actor, record.studio_id, MANAGE)
    return record


def _uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound("Not found.") from None


def _check_version_exists(asset: Asset, asset_version: int | None) -> None:
    if asset_version is None:
        return
    if not AssetVersion.objects.filter(asset_id=asset.id, number=asset_version).exists():
        raise InvalidInput(f"The asset has no version {asset_version}.",
                           fields={"asset_version": [f"Between 1 and {asset.latest_version}."]})


def _check_not_terminated(record: RightsRecord) -> None:
    if record.status == RightsStatus.TERMINATED:
        raise RightsTerminatedError("The rights record is terminated and can no longer change.")


def _changed_fields(record: RightsRecord, terms: Terms) -> dict[str, Any]:
    """Return the event-form fields whose value differs from the record's."""
    current = _record_data(record)
    return {name: value for name, value in terms.as_data().items() if current[name] != value}


def _record_data(record: RightsRecord) -> dict[str, Any]:
    return {
        **{name: getattr(record, name) for name in (
            "licensor", "licensee", "worldwide", "territories_include", "territories_exclude", "media",
            "languages", "exclusive", "restrictions", "contract_ref", "note")},
        "window_start": record.window_start.isoformat(),
        "window_end": record.window_end.isoformat() if record.window_end else None,
    }


def _check_exclusivity(terms: Terms, *, asset_id: Any, asset_version: int | None, ignore: Any) -> None:
    """Refuse terms that overlap another licensee's live record when either side is exclusive."""
    others = RightsRecord.objects.filter(asset_id=asset_id).exclude(status=RightsStatus.TERMINATED)
    if ignore is not None:
        others = others.exclude(pk=ignore)
    for other in others:
        if not (terms.exclusive or other.exclusive) or other.licensee == terms.licensee:
            continue
        same_versions = asset_version is None or other.asset_version is None or other.asset_version == asset_version
        if same_versions and terms_overlap(terms, other):
            raise ExclusivityConflict(
                f"These terms overlap the {'exclusive ' if other.exclusive else ''}rights of {other.licensee}.",
                extra={"rights": str(other.id), "licensee": other.licensee},
            )
