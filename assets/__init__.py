"""The asset library: characters, costumes, props and scenes as immutable, reviewed versions.

Decisions (see also api-contract.md "Assets and immutable versions"):
- Stream "asset-<uuid>": AssetCreated + AssetVersionCreated(1) in one append, then one event per
  new version or review step. assets.aggregate.fold() folds a stream (up to a position for `as_of`).
- `expected_version` is the asset's latest *version number*; a concurrent review step (which moves
  the stream but not the latest version) is retried, a concurrent new version gives 409 with
  extra.current_version = the new latest version number.
- Review: draft → in_review (submit, makers) → approved | rejected (supervisor/admin,
  "asset.approve"); retire ("asset.retire") from draft, in_review, approved or rejected. Rejected
  is final (versions are immutable: fix it in a new version). approved_version = highest approved.
- `status=` in listings filters on the latest version's status (Asset.latest_status).
- Attributes are validated by assets.schemas (all optional, unknown keys refused). Components pin
  exact versions of other assets of the same studio, each asset at most once, with no asset-level
  cycle; derived_from names any version of a same-kind asset of the studio (itself included).
- Blobs: stored once under "sha256/ab/cd/<sha>" with a 256 px WebP thumbnail under
  "thumbnails/ab/cd/<sha>-256.webp" (made on upload; a render's on its first request); stream
  "blob-<sha>", one BlobStored per studio granted.
"""
