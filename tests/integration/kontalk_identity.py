"""Kontalk identities for tests: OpenPGP keys, server certifications and bridge certificates.

A Kontalk client owns an RSA OpenPGP key whose user id is `Name <localpart@domain>` (spec §1).
The server certifies that user id with its own key, and the client logs in with a self-signed
X.509 "bridge" certificate of the same RSA key that carries the key block in an extension
(spec §2). This module builds all of that with Debian's python3-pgpy, python3-cryptography and
the `openssl` command line, so that tests can present exactly the credential they need, valid
or broken in one specific way:

    key = make_key(jid)                                  # fresh client key
    certified = certify(server_key(server), key, jid)    # the server's certification
    cert, private = bridge_certificate(key, certified, tmp_path)
    # log in: certificate_login(server, cert, private) in test_certificate_login.py

Everything is synchronous and bounded (the openssl call has a timeout).
"""

from __future__ import annotations

import hashlib
import struct
import subprocess
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pgpy
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pgpy.constants import (
    CompressionAlgorithm,
    HashAlgorithm,
    KeyFlags,
    PubKeyAlgorithm,
    SignatureType,
    SymmetricKeyAlgorithm,
)

import x509_der as der

# Spec §2: the extension that carries the OpenPGP key block.
BRIDGE_OID = "2.25.49058212633447845622587297037800555803"
OPENSSL_TIMEOUT_S = 60
KEY_BITS = 2048


def jid_for_phone(phone: str, domain: str) -> str:
    """The bare JID of an E.164 phone number (spec §1): sha1 hex of the number @ domain."""
    return f"{hashlib.sha1(phone.encode()).hexdigest()}@{domain}"


def make_key(
    email: str,
    name: str = "Kontalk test user",
    *,
    created: datetime | None = None,
    expires_after: timedelta | None = None,
) -> pgpy.PGPKey:
    """A client key: RSA 2048 primary key with user id 'name <email>' (self-certified) and an
    RSA encryption subkey. `created` backdates the key (key rollover needs an older and a newer
    key); `expires_after` gives the primary key a lifetime from its creation."""
    key = pgpy.PGPKey.new(PubKeyAlgorithm.RSAEncryptOrSign, KEY_BITS, created=created)
    uid = pgpy.PGPUID.new(name, email=email)
    preferences = dict(
        usage={KeyFlags.Sign, KeyFlags.Certify},
        hashes=[HashAlgorithm.SHA256],
        ciphers=[SymmetricKeyAlgorithm.AES256],
        compression=[CompressionAlgorithm.Uncompressed],
    )
    if expires_after is not None:
        preferences["key_expiration"] = expires_after
    key.add_uid(uid, **preferences)
    subkey = pgpy.PGPKey.new(PubKeyAlgorithm.RSAEncryptOrSign, KEY_BITS, created=created)
    key.add_subkey(subkey, usage={KeyFlags.EncryptCommunications, KeyFlags.EncryptStorage})
    return key


def public_binary(key: pgpy.PGPKey) -> bytes:
    """The transferable public key in binary packets, as clients send it."""
    return bytes(key.pubkey)


def fingerprint(key: pgpy.PGPKey) -> str:
    """40 uppercase hex digits, as the server stores it."""
    return str(key.fingerprint).replace(" ", "").upper()


def server_key(data_dir: Path) -> pgpy.PGPKey:
    """The server's secret key, read from its data directory (default [server] pgp_key)."""
    key, _ = pgpy.PGPKey.from_file(str(Path(data_dir) / "pgp" / "server-key.sec"))
    return key


def other_server_key(domain: str) -> pgpy.PGPKey:
    """A key that is not the server's, named like one (for 'not certified by us' tests)."""
    return make_key(domain, "Kontalk server")


def certify(signer: pgpy.PGPKey, key: pgpy.PGPKey, email: str) -> bytes:
    """The public key of `key` with `signer`'s generic certification (0x10) over the user id
    whose email is `email`; returns the binary key block. `key` itself is not changed."""
    public, _ = pgpy.PGPKey.from_blob(public_binary(key))
    uid = public.get_uid(email)
    if uid is None:
        raise ValueError(f"the key has no user id <{email}>")
    uid |= signer.certify(uid, level=SignatureType.Generic_Cert)
    return bytes(public)


def revoked(key: pgpy.PGPKey, key_block: bytes | None = None) -> bytes:
    """`key_block` (default: the key's public key) with a key revocation signature by the key
    itself (RFC 4880 §5.2.1, type 0x20); binary."""
    public, _ = pgpy.PGPKey.from_blob(key_block if key_block is not None else public_binary(key))
    public |= key.revoke(public)
    return bytes(public)


def _packets(block: bytes) -> list[tuple[int, bytes, bytes]]:
    """(tag, body, whole packet) of each packet of a binary key block (RFC 4880 §4.2); pgpy
    writes definite lengths only."""
    packets = []
    offset = 0
    while offset < len(block):
        header = block[offset]
        if header & 0x40:  # new format (§4.2.2)
            tag = header & 0x3F
            first = block[offset + 1]
            if first < 192:
                length, header_length = first, 2
            elif first < 224:
                length, header_length = ((first - 192) << 8) + block[offset + 2] + 192, 3
            else:
                length, header_length = struct.unpack(">I", block[offset + 2 : offset + 6])[0], 6
        else:  # old format (§4.2.1)
            tag = (header >> 2) & 0x0F
            header_length = {0: 2, 1: 3, 2: 5}[header & 0x03]
            length = int.from_bytes(block[offset + 1 : offset + header_length], "big")
        end = offset + header_length + length
        packets.append((tag, block[offset + header_length : end], block[offset:end]))
        offset = end
    return packets


def _packet(tag: int, body: bytes) -> bytes:
    """A new-format packet with a five-octet length (§4.2.2.3)."""
    return bytes([0xC0 | tag, 0xFF]) + struct.pack(">I", len(body)) + body


def _mpi(value: bytes) -> bytes:
    value = value.lstrip(b"\0")
    return struct.pack(">H", (len(value) - 1) * 8 + value[0].bit_length()) + value


def padded_key_block(key: pgpy.PGPKey, size: int) -> bytes:
    """The public key of `key` grown to at least `size` bytes with extra user ids, each with a
    valid self-certification (0x13, SHA-256), before the subkeys: a key that is expensive to
    check (one RSA verification per user id), as an attacker would send it. The key's own user
    id stays first. Built by hand because pgpy's add_uid takes minutes for hundreds of ids."""
    packets = _packets(public_binary(key))
    primary = packets[0][1]
    key_prefix = b"\x99" + struct.pack(">H", len(primary)) + primary
    key_fingerprint = hashlib.sha1(key_prefix).digest()
    signer = rsa_private_key(key)
    extra = b""
    total = sum(len(whole) for _, _, whole in packets)
    number = 0
    while total + len(extra) < size:
        uid = f"Padding user id {number} <padding{number}@example.invalid>".encode()
        number += 1
        # §5.2.3: creation time (2) and issuer fingerprint (33) hashed, issuer key id (16) not.
        hashed = bytes([5, 2]) + struct.pack(">I", int(time.time()))
        hashed += bytes([22, 33, 4]) + key_fingerprint
        head = bytes([4, 0x13, 1, 8]) + struct.pack(">H", len(hashed)) + hashed
        # §5.2.4: key, user id (0xB4 framing), the signature's hashed part and its trailer.
        signed = key_prefix + b"\xb4" + struct.pack(">I", len(uid)) + uid + head
        signed += b"\x04\xff" + struct.pack(">I", len(head))
        signature = signer.sign(signed, padding.PKCS1v15(), hashes.SHA256())
        unhashed = bytes([9, 16]) + key_fingerprint[-8:]
        body = head + struct.pack(">H", len(unhashed)) + unhashed
        body += hashlib.sha256(signed).digest()[:2] + _mpi(signature)
        extra += _packet(13, uid) + _packet(2, body)
    # RFC 4880 §11.1: user ids come before the subkeys.
    first_subkey = next((i for i, (tag, _, _) in enumerate(packets) if tag == 14), len(packets))
    return (b"".join(whole for _, _, whole in packets[:first_subkey]) + extra
            + b"".join(whole for _, _, whole in packets[first_subkey:]))


def _private_key_pem(private: rsa.RSAPrivateKey) -> bytes:
    return private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


def rsa_private_key(key: pgpy.PGPKey) -> rsa.RSAPrivateKey:
    """The primary key's RSA private key as a cryptography object (for TLS)."""
    return key._key.keymaterial.__privkey__()  # pgpy keeps the cryptography key here


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    encoded = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(encoded)]) + encoded


def bridge_certificate(
    key: pgpy.PGPKey,
    key_block: bytes,
    directory: Path,
    *,
    certificate_key: rsa.RSAPrivateKey | None = None,
    name: str = "bridge",
) -> tuple[Path, Path]:
    """A self-signed X.509 bridge certificate (spec §2) carrying `key_block` in the extension,
    for `key`'s primary RSA key, or for `certificate_key` when given (a certificate whose key
    differs from the PGP key). Returns (certificate PEM, private key PEM) for TLS."""
    directory.mkdir(parents=True, exist_ok=True)
    private = certificate_key if certificate_key is not None else rsa_private_key(key)
    key_path = directory / f"{name}-key.pem"
    key_path.write_bytes(_private_key_pem(private))
    key_path.chmod(0o600)
    # extnValue: DER BIT STRING, no unused bits, whose bytes are the key block.
    bit_string = b"\x03" + _der_length(len(key_block) + 1) + b"\x00" + key_block
    config = directory / f"{name}.cnf"
    # Real clients put the whole user id in CN (often > 64 characters, which `openssl req`
    # refuses); the server ignores the subject, so the name part stands in for it.
    common_name = key.userids[0].name if key.userids else "Kontalk"
    config.write_text(
        "[req]\ndistinguished_name = dn\nprompt = no\nx509_extensions = ext\n"
        f"[dn]\nO = OpenPGP to X.509 Bridge\nCN = {common_name}\n"
        f"[ext]\nbasicConstraints = CA:TRUE\n{BRIDGE_OID} = DER:{bit_string.hex()}\n"
    )
    certificate_path = directory / f"{name}-cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-new", "-key", str(key_path), "-config", str(config),
         "-set_serial", "1", "-days", "1", "-sha256", "-out", str(certificate_path)],
        check=True, capture_output=True, timeout=OPENSSL_TIMEOUT_S,
    )
    return certificate_path, key_path


# Object identifiers of X509Bridge.createCertificate (RFC 5280 §4.2.1, Netscape's extension).
_SHA1_WITH_RSA = "1.2.840.113549.1.1.5"
_ORGANIZATION = "2.5.4.10"
_COMMON_NAME = "2.5.4.3"
_BASIC_CONSTRAINTS = "2.5.29.19"
_KEY_USAGE = "2.5.29.15"
_NETSCAPE_CERT_TYPE = "2.16.840.1.113730.1.1"
_SUBJECT_KEY_IDENTIFIER = "2.5.29.14"
_AUTHORITY_KEY_IDENTIFIER = "2.5.29.35"
_SUBJECT_ALT_NAME = "2.5.29.17"
_XMPP_ADDR = "1.3.6.1.5.5.7.8.5"
# KeyUsage digitalSignature | nonRepudiation | keyEncipherment | keyAgreement | keyCertSign.
_ANDROID_KEY_USAGE = 0xEC
# NetscapeCertType sslClient | smime.
_ANDROID_NETSCAPE_TYPE = 0xA0


def _extension(oid: str, value: bytes, *, critical: bool = False) -> bytes:
    """RFC 5280 Extension; DER leaves out critical = FALSE (the default)."""
    flag = der.boolean(True) if critical else b""
    return der.sequence(der.oid(oid), flag, der.octet_string(value))


def _android_name(key: pgpy.PGPKey) -> bytes:
    """O=OpenPGP to X.509 Bridge, then one CN per user id, whole (UTF8String, as BCStyle)."""
    rdns = [der.set_of(der.sequence(der.oid(_ORGANIZATION), der.utf8_string("OpenPGP to X.509 Bridge")))]
    for uid in key.userids:
        rdns.append(der.set_of(der.sequence(der.oid(_COMMON_NAME), der.utf8_string(uid.userid))))
    return der.sequence(*rdns)


def _xmpp_addr_other_name(jid: str) -> bytes:
    """Bouncy Castle's GeneralName(otherName, DLSequence(OID, UTF8String)) as the Android client
    builds it (XmppAddrIdentifier): [0] IMPLICIT over the sequence, so `A0 { 06 OID 0C jid }`,
    without the [0] EXPLICIT around the value that RFC 5280 §4.2.1.6 / RFC 6120 §13.7.1.4 ask
    for. OpenSSL cannot parse this name; the server must not fail the handshake over it."""
    return der.context(0, der.oid(_XMPP_ADDR) + der.utf8_string(jid))


def android_bridge_certificate(
    key: pgpy.PGPKey, key_block: bytes, directory: Path, *, name: str = "android"
) -> tuple[Path, Path]:
    """The bridge certificate exactly as the Android client's X509Bridge.createCertificate
    makes it (spec §2): SHA1withRSA self-signature by the PGP primary key, serial 1,
    notBefore = key creation time = notAfter for a key that never expires (creation + lifetime
    otherwise), subject = issuer, basicConstraints CA critical, keyUsage 0xEC critical, Netscape
    cert type sslClient|smime, subject and authority key identifiers, an xmppAddr otherName per
    user id email, and the extension carrying `key_block` (the whole public keyring) as a BIT
    STRING. Returns (certificate PEM, private key PEM) for TLS."""
    directory.mkdir(parents=True, exist_ok=True)
    private = rsa_private_key(key)
    spki = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # RFC 5280 §4.2.1.2 method (1), as JcaX509ExtensionUtils: SHA-1 of the subjectPublicKey
    # bits, which for RSA are the PKCS#1 RSAPublicKey.
    rsa_public_key = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.PKCS1
    )
    key_id = hashlib.sha1(rsa_public_key).digest()
    primary = key.pubkey
    not_before = primary.created
    lifetime = primary.expires_at
    not_after = lifetime if lifetime is not None else not_before
    name_der = _android_name(key)
    algorithm = der.sequence(der.oid(_SHA1_WITH_RSA), der.null())
    emails = [uid.email for uid in key.userids if uid.email]
    extensions = [
        _extension(_BASIC_CONSTRAINTS, der.sequence(der.boolean(True)), critical=True),
        _extension(_KEY_USAGE, der.named_bits(_ANDROID_KEY_USAGE), critical=True),
        _extension(_NETSCAPE_CERT_TYPE, der.named_bits(_ANDROID_NETSCAPE_TYPE)),
        _extension(_SUBJECT_KEY_IDENTIFIER, der.octet_string(key_id)),
        _extension(_AUTHORITY_KEY_IDENTIFIER, der.sequence(der.context(0, key_id, constructed=False))),
    ]
    if emails:
        extensions.append(
            _extension(_SUBJECT_ALT_NAME, der.sequence(*(_xmpp_addr_other_name(e) for e in emails)))
        )
    extensions.append(_extension(BRIDGE_OID, der.bit_string(key_block)))
    tbs = der.sequence(
        der.explicit(0, der.integer(2)),  # v3
        der.integer(1),
        algorithm,
        name_der,
        der.sequence(der.time(not_before), der.time(not_after)),
        name_der,
        spki,
        der.explicit(3, der.sequence(*extensions)),
    )
    signature = private.sign(tbs, padding.PKCS1v15(), hashes.SHA1())
    certificate = der.sequence(tbs, algorithm, der.bit_string(signature))
    certificate_path = directory / f"{name}-cert.pem"
    certificate_path.write_text(der.pem("CERTIFICATE", certificate))
    key_path = directory / f"{name}-key.pem"
    key_path.write_bytes(_private_key_pem(private))
    key_path.chmod(0o600)
    return certificate_path, key_path


def plain_certificate(directory: Path, name: str = "plain") -> tuple[Path, Path]:
    """A self-signed certificate without the bridge extension (a non-Kontalk client)."""
    directory.mkdir(parents=True, exist_ok=True)
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    key_path = directory / f"{name}-key.pem"
    key_path.write_bytes(_private_key_pem(private))
    certificate_path = directory / f"{name}-cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-new", "-key", str(key_path), "-subj", "/CN=someone",
         "-days", "1", "-sha256", "-out", str(certificate_path)],
        check=True, capture_output=True, timeout=OPENSSL_TIMEOUT_S,
    )
    return certificate_path, key_path


def backdated(days: int) -> datetime:
    """A creation time `days` ago (whole seconds, as OpenPGP stores it)."""
    return (datetime.now(timezone.utc) - timedelta(days=days)).replace(microsecond=0)
