"""Just enough DER (ITU-T X.690) to write an X.509 certificate byte by byte.

The Android client's bridge certificate (kontalk_identity.android_bridge_certificate) has
encodings that certificate libraries will not produce on request: a subjectAltName otherName
tagged the way Bouncy Castle tags it, an extension OID with an arc above 2^64 that Debian's
python3-cryptography cannot encode, notAfter equal to notBefore. Writing the DER directly keeps
every byte under the test's control. Only the definite-length forms DER allows are produced.
"""

from __future__ import annotations

import base64
from datetime import datetime, timezone

# Universal tags (X.690 §8) and the context-specific ones X.509 uses.
BOOLEAN = 0x01
INTEGER = 0x02
BIT_STRING = 0x03
OCTET_STRING = 0x04
NULL = 0x05
OID = 0x06
UTF8_STRING = 0x0C
UTC_TIME = 0x17
GENERALIZED_TIME = 0x18
SEQUENCE = 0x30
SET = 0x31


def length(size: int) -> bytes:
    """X.690 §8.1.3: short form below 128, else long form."""
    if size < 0x80:
        return bytes([size])
    encoded = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(encoded)]) + encoded


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + length(len(content)) + content


def sequence(*items: bytes) -> bytes:
    return tlv(SEQUENCE, b"".join(items))


def set_of(*items: bytes) -> bytes:
    return tlv(SET, b"".join(sorted(items)))  # DER sorts SET OF (X.690 §11.6)


def integer(value: int) -> bytes:
    """Two's complement, minimal length (non-negative values only here)."""
    encoded = value.to_bytes(value.bit_length() // 8 + 1, "big")
    return tlv(INTEGER, encoded)


def boolean(value: bool) -> bytes:
    return tlv(BOOLEAN, b"\xff" if value else b"\x00")


def null() -> bytes:
    return tlv(NULL, b"")


def oid(dotted: str) -> bytes:
    """X.690 §8.19: first two arcs in one subidentifier, base-128 big-endian arcs."""
    arcs = [int(arc) for arc in dotted.split(".")]
    subidentifiers = [arcs[0] * 40 + arcs[1], *arcs[2:]]
    content = b""
    for value in subidentifiers:
        chunk = [value & 0x7F]
        value >>= 7
        while value:
            chunk.append(0x80 | (value & 0x7F))
            value >>= 7
        content += bytes(reversed(chunk))
    return tlv(OID, content)


def utf8_string(text: str) -> bytes:
    return tlv(UTF8_STRING, text.encode())


def octet_string(content: bytes) -> bytes:
    return tlv(OCTET_STRING, content)


def bit_string(content: bytes, unused_bits: int = 0) -> bytes:
    return tlv(BIT_STRING, bytes([unused_bits]) + content)


def named_bits(value: int) -> bytes:
    """A BIT STRING of named bits as Bouncy Castle's DERBitString(int) writes it (KeyUsage,
    NetscapeCertType): the bits of one byte, trailing zero bits counted as unused."""
    assert 0 < value < 0x100, "one byte of flags is all the bridge certificate needs"
    unused = (value & -value).bit_length() - 1
    return bit_string(bytes([value]), unused)


def time(moment: datetime) -> bytes:
    """RFC 5280 §4.1.2.5: UTCTime for 1950..2049, GeneralizedTime otherwise."""
    moment = moment.astimezone(timezone.utc)
    if 1950 <= moment.year < 2050:
        return tlv(UTC_TIME, moment.strftime("%y%m%d%H%M%SZ").encode())
    return tlv(GENERALIZED_TIME, moment.strftime("%Y%m%d%H%M%SZ").encode())


def context(number: int, content: bytes, *, constructed: bool = True) -> bytes:
    """A context-specific tag [number] around `content` (the content octets, not a TLV)."""
    return tlv((0xA0 if constructed else 0x80) | number, content)


def explicit(number: int, inner: bytes) -> bytes:
    """[number] EXPLICIT: the whole inner TLV inside a constructed context tag."""
    return context(number, inner)


def pem(label: str, der: bytes) -> str:
    body = base64.b64encode(der).decode()
    lines = [body[index : index + 64] for index in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"
