"""C2PA Content Credentials on rendered PNGs: sign after the pixels are final, verify, hash the content.

A signed PNG is the renderer's PNG with one `caBX` chunk (the C2PA manifest store) inserted after
IHDR; every other byte is unchanged. So the content a signature covers can always be recovered:
`content_sha256` is the SHA-256 of the PNG with its caBX chunks removed, which is byte for byte
the PNG the renderer encoded (pixels plus the manifest text chunks). Reproduction compares that,
since the signature itself differs on every run (random ids, ECDSA nonces).
"""

from __future__ import annotations

import hashlib
import io
import logging
import struct
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import c2pa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from generation.devca import dev_chain

DIGITAL_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
C2PA_CHUNK = b"caBX"
_FORMATS = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"RIFF": "image/webp"}
_DEFAULT = object()
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SigningKeys:
    """The signer's certificate chain and private key (PEM bytes) and the trust anchors to verify with."""

    chain: bytes
    key: bytes
    anchors: bytes | None = None
    development: bool = False

    def __repr__(self) -> str:  # never let a private key reach a log line or a traceback
        return f"SigningKeys(development={self.development})"


def signing_keys() -> SigningKeys:
    """Return the configured studio keys, or the development chain (made on first use under var/)."""
    chain, key, anchors = settings.C2PA_CERT_CHAIN, settings.C2PA_PRIVATE_KEY, settings.C2PA_TRUST_ANCHORS
    return _load_keys(str(chain), str(key), str(anchors), str(settings.C2PA_DEV_DIR))


@lru_cache(maxsize=4)
def _load_keys(chain: str, key: str, anchors: str, dev_dir: str) -> SigningKeys:
    # Read once per process and settings: a worker signs every render with the same keys.
    if bool(chain) != bool(key):
        raise ImproperlyConfigured("C2PA_CERT_CHAIN and C2PA_PRIVATE_KEY must be set together.")
    if chain:
        return SigningKeys(Path(chain).read_bytes(), Path(key).read_bytes(),
                           Path(anchors).read_bytes() if anchors else None)
    dev = dev_chain(Path(dev_dir))
    if not settings.DEBUG:
        logger.warning("Signing renders with the DEVELOPMENT-ONLY chain in %s: set C2PA_CERT_CHAIN and "
                       "C2PA_PRIVATE_KEY to the studio's certificate (see the README).", dev_dir)
    root = Path(anchors).read_bytes() if anchors else dev.root.read_bytes()
    return SigningKeys(dev.chain.read_bytes(), dev.key.read_bytes(), root, development=True)


def _context(anchors: bytes | None, *, signing: bool = False) -> c2pa.Context:
    options: dict[str, Any] = {
        # Nothing is fetched over the network: verification must work offline and give the same answer.
        # The SDK's own read-back after signing would cost more than the signing itself (twice, on a
        # worker); `verify_png` is the check, and the tests and `provenance` run it on stored files.
        "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False, "verify_after_sign": not signing},
        # Thumbnails would cost ~8x the signing time and ~1 MB a file for nothing a render needs.
        "builder": {"thumbnail": {"enabled": False}},
    }
    if anchors:
        options["trust"] = {"user_anchors": anchors.decode("ascii")}
    return c2pa.Context.from_dict(options)


def sign_png(png: bytes, *, manifest: dict[str, Any], manifest_hash: str,
             read_blob: Callable[[str], bytes], keys: SigningKeys | None = None) -> bytes:
    """Return `png` with C2PA Content Credentials: created by a trained algorithmic model, the manifest's
    reference images as ingredients, and the render manifest with its hash as the studio's assertion."""
    keys = keys or signing_keys()
    ingredients = []
    for reference in manifest.get("request", {}).get("references", []):
        data = read_blob(reference["sha256"])
        ingredients.append((_ingredient(reference, data), data))
    claim = {
        "claim_generator_info": [{"name": "Continuity", "version": _version()}],
        "title": f"render {manifest_hash[:12]}.png",
        "format": "image/png",
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": [
                {"action": "c2pa.created", "digitalSourceType": DIGITAL_SOURCE_TYPE,
                 "softwareAgent": {"name": "Continuity", "version": _version()}}]}},
            {"label": settings.C2PA_ASSERTION_LABEL, "data": {"manifest_hash": manifest_hash, "manifest": manifest}},
        ],
        # A reference without credentials of its own is declared by its hash: handing its bytes to the
        # SDK would cost ~0.7 ms a reference and add nothing (an ingredient records no content hash).
        "ingredients": [ingredient for ingredient, data in ingredients if not _has_credentials(data)],
    }
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", keys.chain, keys.key, None))
    builder = c2pa.Builder(claim, context=_context(keys.anchors, signing=True))
    try:
        for ingredient, data in ingredients:
            if _has_credentials(data):  # its own manifest travels along as the ingredient's provenance
                builder.add_ingredient(ingredient, ingredient["format"], io.BytesIO(data))
        signed = io.BytesIO()
        builder.sign(signer, "image/png", io.BytesIO(png), signed)
        return signed.getvalue()
    finally:
        builder.close()
        signer.close()


def _ingredient(reference: dict[str, Any], data: bytes) -> dict[str, Any]:
    title = f"{reference.get('name', '')} ({reference.get('role') or reference.get('kind', '')})"
    return {"title": title.strip(), "format": _format(data), "relationship": "inputTo",
            "instance_id": f"sha256:{reference['sha256']}"}


def _has_credentials(data: bytes) -> bool:
    # Every C2PA manifest store is a JUMBF box labelled "c2pa"; a false positive only costs the SDK a look.
    return b"c2pa" in data


def verify_png(data: bytes, *, anchors: bytes | None | object = _DEFAULT) -> dict[str, Any]:
    """Return {state: trusted | valid | invalid | none, issues: [{code, explanation}], manifest_hash}.

    `anchors`: the trust anchors (PEM) to check the signer against; by default the configured ones
    (the development root when no studio chain is set); None checks the signature alone.
    """
    roots = signing_keys().anchors if anchors is _DEFAULT else anchors
    try:
        reader = c2pa.Reader("image/png", io.BytesIO(data), context=_context(roots))  # type: ignore[arg-type]
    except c2pa.C2paError as error:
        code = "manifest.notFound" if "ManifestNotFound" in type(error).__name__ else "manifest.unreadable"
        return {"state": "none" if code == "manifest.notFound" else "invalid",
                "issues": [{"code": code, "explanation": str(error)}], "manifest_hash": None}
    try:
        state = str(reader.get_validation_state()).lower()
        results = (reader.get_validation_results() or {}).get("activeManifest", {})
        issues = [{"code": e.get("code"), "explanation": e.get("explanation", "")}
                  for kind in ("failure", "informational") for e in results.get(kind, [])]
        return {"state": state if state in ("trusted", "valid") else "invalid", "issues": issues,
                "manifest_hash": _asserted_hash(reader)}
    finally:
        reader.close()


def _asserted_hash(reader: c2pa.Reader) -> str | None:
    label = settings.C2PA_ASSERTION_LABEL
    active = reader.get_active_manifest() or {}
    for assertion in active.get("assertions", []):
        if assertion.get("label") == label:
            return assertion.get("data", {}).get("manifest_hash")
    return None


def content_sha256(png: bytes) -> str:
    """Return the SHA-256 of a PNG without its C2PA chunks: the PNG as the renderer encoded it."""
    return hashlib.sha256(unsigned_png(png)).hexdigest()


def unsigned_png(png: bytes) -> bytes:
    """Return the PNG with its caBX (C2PA manifest store) chunks removed; other bytes are kept as they are."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    kept, position = [PNG_SIGNATURE], len(PNG_SIGNATURE)
    while position + 8 <= len(png):
        (length,) = struct.unpack(">I", png[position:position + 4])
        end = position + 12 + length  # length, type, data, CRC
        if png[position + 4:position + 8] != C2PA_CHUNK:
            kept.append(png[position:end])
        position = end
    if position != len(png):
        raise ValueError("truncated PNG chunk")
    return b"".join(kept)


def _format(data: bytes) -> str:
    for magic, mime in _FORMATS.items():
        if data.startswith(magic):
            return mime
    return "application/octet-stream"


@lru_cache(maxsize=1)
def _version() -> str:
    try:
        return version("continuity")
    except PackageNotFoundError:
        return "0"
