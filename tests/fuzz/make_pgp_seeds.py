#!/usr/bin/python3
"""Writes the OpenPGP and bridge-certificate seeds of tests/fuzz/corpus (run from anywhere).

The keys are made the way the integration tests make a Kontalk client's identity
(tests/integration/kontalk_identity.py, spec §1-§2): an RSA key with user id
'Name <sha1(phone)@domain>', certified by a server key, in a self-signed X.509 bridge
certificate. Each run makes new keys; the committed seeds are one such run.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))

import kontalk_identity as identity  # noqa: E402


def main() -> None:
    corpus = HERE / "corpus"
    jid = identity.jid_for_phone("+15555215554", "example.net")
    key = identity.make_key(jid)
    certified = identity.certify(identity.other_server_key("example.net"), key, jid)
    seeds = {
        "pgp_key/public.gpg": identity.public_binary(key),
        "pgp_key/certified.gpg": certified,
        "pgp_key/armored.asc": str(key.pubkey).encode(),
        "pgp_key/revoked.gpg": identity.revoked(key),
    }
    with tempfile.TemporaryDirectory() as scratch:
        pem, _ = identity.bridge_certificate(key, certified, Path(scratch))
        seeds["bridge_certificate/bridge.der"] = subprocess.run(
            ["openssl", "x509", "-in", str(pem), "-outform", "DER"],
            check=True, capture_output=True, timeout=60,
        ).stdout
    for name, data in seeds.items():
        (corpus / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
