"""A development-only certificate chain for C2PA signing, made on first use under `var/`.

A studio in production points C2PA_CERT_CHAIN, C2PA_PRIVATE_KEY and C2PA_TRUST_ANCHORS at the chain
its certificate authority issued (see the README). Without them, Continuity still signs every render,
with a chain it makes itself: a root CA, an intermediate CA and an ES256 signing certificate carrying
the key usages the C2PA SDK demands (digitalSignature, and the emailProtection EKU it accepts without a
custom trust configuration). The CA keys are thrown away once the signing certificate is issued, so
the folder holds one private key only: the signing key, readable by its owner alone. Every name says
DEVELOPMENT ONLY, and nothing signed with it is trusted anywhere but where its root is listed.
"""

from __future__ import annotations

import datetime
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT_FILE, CHAIN_FILE, KEY_FILE = "root-ca.pem", "signing-chain.pem", "signing-key.pem"
VALID_DAYS = 3650
_CA_USAGE = x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                          encipher_only=False, decipher_only=False)
_SIGNING_USAGE = x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                               data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                               encipher_only=False, decipher_only=False)


@dataclass(frozen=True)
class DevChain:
    """Where a development chain's files lie: the signer's chain (leaf + intermediate), its key, the root."""

    chain: Path
    key: Path
    root: Path


def dev_chain(folder: Path) -> DevChain:
    """Return the development chain in `folder`, making it first if it is not there yet."""
    chain = DevChain(folder / CHAIN_FILE, folder / KEY_FILE, folder / ROOT_FILE)
    if not chain.key.exists():
        _make(folder)
    return chain


def _make(folder: Path) -> None:
    # Built in a sibling folder and renamed into place: two processes starting at once both build one,
    # the first rename wins and the other's is dropped, so no process ever reads a half-written chain.
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".c2pa-dev-", dir=folder.parent))
    try:
        root_pem, chain_pem, key_pem = _issue()
        (staging / ROOT_FILE).write_bytes(root_pem)
        (staging / CHAIN_FILE).write_bytes(chain_pem)
        key_path = staging / KEY_FILE
        key_path.touch(mode=0o600)
        key_path.write_bytes(key_pem)
        (staging / "README.txt").write_text(
            "DEVELOPMENT ONLY. Made by Continuity because no studio certificate is configured.\n"
            "Content signed with it is trusted only where root-ca.pem is listed as a trust anchor.\n"
            "Production: set C2PA_CERT_CHAIN, C2PA_PRIVATE_KEY and C2PA_TRUST_ANCHORS (see the README).\n")
        os.rename(staging, folder)
    except OSError:
        if not (folder / KEY_FILE).exists():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _issue() -> tuple[bytes, bytes, bytes]:
    """Return (root PEM, signing certificate + intermediate PEM, signing key PKCS8 PEM)."""
    root_key, intermediate_key, signing_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    root_name, intermediate_name = _name("Root CA"), _name("Intermediate CA")
    root = _certificate(root_name, root_key, root_name, root_key, ca_path_length=1)
    intermediate = _certificate(intermediate_name, intermediate_key, root_name, root_key, ca_path_length=0)
    signing = _certificate(_name("Render signing"), signing_key, intermediate_name, intermediate_key,
                           ca_path_length=None)
    pem = serialization.Encoding.PEM
    key_pem = signing_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return root.public_bytes(pem), signing.public_bytes(pem) + intermediate.public_bytes(pem), key_pem


def _name(role: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Continuity DEVELOPMENT ONLY"),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"Continuity development {role} (not for delivery)")])


def _certificate(subject: x509.Name, key: ec.EllipticCurvePrivateKey, issuer: x509.Name,
                 issuer_key: ec.EllipticCurvePrivateKey, *, ca_path_length: int | None) -> x509.Certificate:
    """Issue a CA certificate (ca_path_length set) or a C2PA signing certificate (None)."""
    now = datetime.datetime.now(datetime.UTC)
    is_ca = ca_path_length is not None
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=1))
               .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
               .add_extension(x509.BasicConstraints(ca=is_ca, path_length=ca_path_length), critical=True)
               .add_extension(_CA_USAGE if is_ca else _SIGNING_USAGE, critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                              critical=False))
    if not is_ca:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())
