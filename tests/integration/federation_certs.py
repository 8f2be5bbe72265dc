"""Certificates for the s2s and federation tests (spec §7.10): a test CA and, per domain, a server
certificate it signs, or a self-signed one (links then use dialback).

The domain is named as a DNS subjectAltName and as the CN, never as an xmppAddr: ejabberd 23.01
crashes its incoming s2s process on an xmppAddr SAN during SASL EXTERNAL (spec §7.10 notes), and
RFC 6125 lets a DNS-ID identify an XMPP service. Made with python3-cryptography; EC P-256 keeps
the handshakes cheap. Files are world-readable: Prosody and ejabberd may read them as their own
user.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALIDITY = datetime.timedelta(days=30)


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


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    path.chmod(0o644)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    _write(path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))


def _write_certificate(path: Path, certificate: x509.Certificate) -> None:
    _write(path, certificate.public_bytes(serialization.Encoding.PEM))


def _builder(subject: x509.Name, issuer: x509.Name, public_key) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _server_extensions(builder: x509.CertificateBuilder, domain: str) -> x509.CertificateBuilder:
    """A DNS-ID for `domain`, usable as TLS server and client certificate (the s2s initiator
    presents it as its client certificate, spec §7.2)."""
    return (
        builder
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .add_extension(x509.ExtendedKeyUsage(
            [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    )


def _domain_name(domain: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])


class FederationCa:
    """A certificate authority that exists for one test's directory; a second instance on the
    same directory reuses it."""

    def __init__(self, directory: Path, name: str = "Kontalk federation test CA"):
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.certificate = directory / "ca.pem"
        key_path = directory / "ca-key.pem"
        if self.certificate.exists():
            self._key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            self._cert = x509.load_pem_x509_certificate(self.certificate.read_bytes())
            return
        self._key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self._cert = (
            _builder(subject, subject, self._key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False), critical=True)
            .sign(self._key, hashes.SHA256())
        )
        _write_key(key_path, self._key)
        _write_certificate(self.certificate, self._cert)

    def issue(self, domain: str) -> CertificatePair:
        """A server certificate for `domain` signed by this CA (made once per directory)."""
        pair = CertificatePair(self.directory / f"{domain}.pem",
                               self.directory / f"{domain}-key.pem")
        if pair.certificate.exists():
            return pair
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = (
            _server_extensions(_builder(_domain_name(domain), self._cert.subject,
                                        key.public_key()), domain)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                self._key.public_key()), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        _write_key(pair.private_key, key)
        _write_certificate(pair.certificate, certificate)
        return pair


def self_signed(directory: Path, domain: str) -> CertificatePair:
    """A self-signed certificate for `domain`: no peer can validate it, so links use dialback."""
    directory.mkdir(parents=True, exist_ok=True)
    pair = CertificatePair(directory / f"{domain}-self.pem", directory / f"{domain}-self-key.pem")
    if pair.certificate.exists():
        return pair
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        _server_extensions(_builder(_domain_name(domain), _domain_name(domain),
                                    key.public_key()), domain)
        .sign(key, hashes.SHA256())
    )
    _write_key(pair.private_key, key)
    _write_certificate(pair.certificate, certificate)
    return pair
