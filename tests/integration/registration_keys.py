"""PGP keys and bridge certificates as a Kontalk client makes them (spec §1, §2),
with Debian's python3-pgpy and the openssl command line.

Stand-in until the shared helper tests/integration/kontalk_identity.py exists;
only what the registration tests need.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pgpy
from cryptography.hazmat.primitives import serialization
from pgpy.constants import (
    CompressionAlgorithm,
    HashAlgorithm,
    KeyFlags,
    PubKeyAlgorithm,
    SymmetricKeyAlgorithm,
)

BRIDGE_OID = "2.25.49058212633447845622587297037800555803"
OPENSSL_TIMEOUT_S = 60


def make_key(email: str, name: str = "T") -> pgpy.PGPKey:
    """An RSA 2048 key with user id 'name <email>' and an encryption subkey."""
    key = pgpy.PGPKey.new(PubKeyAlgorithm.RSAEncryptOrSign, 2048)
    uid = pgpy.PGPUID.new(name, email=email)
    key.add_uid(
        uid,
        usage={KeyFlags.Sign, KeyFlags.Certify},
        hashes=[HashAlgorithm.SHA256],
        ciphers=[SymmetricKeyAlgorithm.AES256],
        compression=[CompressionAlgorithm.Uncompressed],
    )
    subkey = pgpy.PGPKey.new(PubKeyAlgorithm.RSAEncryptOrSign, 2048)
    key.add_subkey(subkey, usage={KeyFlags.EncryptCommunications, KeyFlags.EncryptStorage})
    return key


def public_binary(key: pgpy.PGPKey) -> bytes:
    return bytes(key.pubkey)


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    encoded = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(encoded)]) + encoded


def bridge_certificate(key: pgpy.PGPKey, key_block: bytes, directory: Path) -> tuple[Path, Path]:
    """A self-signed X.509 certificate of the key's primary RSA key carrying `key_block`
    (binary public key) in the bridge extension; returns (certificate PEM, key PEM)."""
    directory.mkdir(parents=True, exist_ok=True)
    private = key._key.keymaterial.__privkey__()  # pgpy keeps the cryptography key here
    key_path = directory / "bridge-key.pem"
    key_path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    bit_string = b"\x03" + _der_length(len(key_block) + 1) + b"\x00" + key_block
    config = directory / "bridge.cnf"
    config.write_text(
        "[req]\ndistinguished_name = dn\nprompt = no\nx509_extensions = ext\n"
        f"[dn]\nO = OpenPGP to X.509 Bridge\nCN = {key.userids[0].name}\n"
        f"[ext]\nbasicConstraints = CA:TRUE\n{BRIDGE_OID} = DER:{bit_string.hex()}\n"
    )
    certificate_path = directory / "bridge-cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-new", "-key", str(key_path), "-config", str(config),
         "-set_serial", "1", "-days", "1", "-sha256", "-out", str(certificate_path)],
        check=True, capture_output=True, timeout=OPENSSL_TIMEOUT_S,
    )
    return certificate_path, key_path
