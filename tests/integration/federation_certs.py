"""Certificates for federation tests (spec §7.10): a test CA and, per domain, a server
certificate it signs, or a self-signed one.

The domain is named as a DNS subjectAltName and as the CN, never as an xmppAddr: ejabberd 23.01
crashes its incoming s2s process on an xmppAddr SAN during SASL EXTERNAL (spec §7.10 notes), and
RFC 6125 lets a DNS-ID identify an XMPP service. Made with the openssl command line tool;
EC P-256 keeps the handshakes cheap.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CertificatePair:
    certificate: Path
    private_key: Path

    def combined(self) -> Path:
        """Certificate and key in one file (ejabberd's `certfiles`)."""
        path = self.certificate.with_suffix(".combined.pem")
        path.write_text(self.certificate.read_text() + self.private_key.read_text())
        path.chmod(0o644)
        return path


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def _new_key(path: Path) -> None:
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(path))
    path.chmod(0o644)  # Prosody and ejabberd may read it as their own user


class FederationCa:
    """A certificate authority that exists for one test session's directory."""

    def __init__(self, directory: Path, name: str = "Kontalk federation test CA"):
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.certificate = directory / "ca.pem"
        self._key = directory / "ca-key.pem"
        if not self.certificate.exists():
            _new_key(self._key)
            _openssl("req", "-x509", "-new", "-key", str(self._key), "-days", "30", "-subj",
                     f"/CN={name}", "-addext", "basicConstraints=critical,CA:TRUE",
                     "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                     "-out", str(self.certificate))

    def issue(self, domain: str) -> CertificatePair:
        """A server certificate for `domain`, usable as TLS server and client certificate
        (the s2s initiator presents it as its client certificate, spec §7.2)."""
        key = self.directory / f"{domain}-key.pem"
        certificate = self.directory / f"{domain}.pem"
        if not certificate.exists():
            _new_key(key)
            request = self.directory / f"{domain}.csr"
            _openssl("req", "-new", "-key", str(key), "-subj", f"/CN={domain}", "-out", str(request))
            extensions = self.directory / f"{domain}.ext"
            extensions.write_text(
                f"subjectAltName=DNS:{domain}\n"
                "extendedKeyUsage=serverAuth,clientAuth\n"
                "keyUsage=critical,digitalSignature\n"
                "basicConstraints=critical,CA:FALSE\n"
            )
            _openssl("x509", "-req", "-in", str(request), "-CA", str(self.certificate),
                     "-CAkey", str(self._key), "-CAcreateserial", "-days", "30",
                     "-extfile", str(extensions), "-out", str(certificate))
        return CertificatePair(certificate, key)


def self_signed(directory: Path, domain: str) -> CertificatePair:
    """A self-signed certificate for `domain`: no peer can validate it, so links use dialback."""
    directory.mkdir(parents=True, exist_ok=True)
    key = directory / f"{domain}-self-key.pem"
    certificate = directory / f"{domain}-self.pem"
    if not certificate.exists():
        _new_key(key)
        _openssl("req", "-x509", "-new", "-key", str(key), "-days", "30", "-subj", f"/CN={domain}",
                 "-addext", f"subjectAltName=DNS:{domain}",
                 "-addext", "extendedKeyUsage=serverAuth,clientAuth", "-out", str(certificate))
    return CertificatePair(certificate, key)
