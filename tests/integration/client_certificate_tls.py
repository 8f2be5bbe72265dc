"""A TLS client context that presents certificates OpenSSL 3.0 refuses to load.

The Android client's bridge certificate carries a subjectAltName that OpenSSL cannot decode
(Bouncy Castle's implicitly tagged xmppAddr otherName, see
kontalk_identity.android_bridge_certificate). OpenSSL then marks the certificate invalid
while caching its extensions, and `SSLContext.load_cert_chain` fails because
SSL_CTX_use_certificate_chain_file treats any queued error as failure
(X509V3 "invalid certificate"). Java's TLS stack sends such a certificate without complaint,
so a faithful replay must too.

`context_presenting` therefore installs the certificate with SSL_CTX_use_certificate, which
keeps the certificate whatever the extension cache says, on the SSL_CTX of an ordinary
`ssl.SSLContext`, reached through ctypes: CPython's PySSLContext starts with PyObject_HEAD
followed by the SSL_CTX pointer. The pointer is checked against the context's own options
before use, so a different layout fails loudly instead of corrupting memory.
"""

from __future__ import annotations

import ctypes
import ssl
from pathlib import Path


_SSL_FILETYPE_PEM = 1
# PyObject_HEAD: reference count and type pointer.
_PYOBJECT_HEAD_BYTES = ctypes.sizeof(ctypes.c_ssize_t) + ctypes.sizeof(ctypes.c_void_p)

# The libraries the interpreter's _ssl module already loaded (same soname, same instance).
_libssl = ctypes.CDLL("libssl.so.3")
_libcrypto = ctypes.CDLL("libcrypto.so.3")
_libssl.SSL_CTX_get_options.restype = ctypes.c_uint64
_libssl.SSL_CTX_get_options.argtypes = [ctypes.c_void_p]
_libssl.SSL_CTX_use_certificate.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
_libssl.SSL_CTX_use_PrivateKey_file.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
_libssl.SSL_CTX_check_private_key.argtypes = [ctypes.c_void_p]
_libcrypto.d2i_X509.restype = ctypes.c_void_p
_libcrypto.d2i_X509.argtypes = [
    ctypes.c_void_p,
    ctypes.POINTER(ctypes.c_char_p),
    ctypes.c_long,
]
_libcrypto.X509_free.argtypes = [ctypes.c_void_p]
_libcrypto.ERR_clear_error.argtypes = []


def _ssl_ctx_pointer(context: ssl.SSLContext) -> int:
    pointer = ctypes.c_void_p.from_address(id(context) + _PYOBJECT_HEAD_BYTES).value
    if not pointer or _libssl.SSL_CTX_get_options(pointer) != int(context.options):
        raise RuntimeError("cannot reach the SSL_CTX of this Python's ssl.SSLContext")
    return pointer


def _certificate_der(path: Path) -> bytes:
    return ssl.PEM_cert_to_DER_cert(path.read_text())


def context_presenting(certificate: Path, private_key: Path) -> ssl.SSLContext:
    """A client context (no server verification: test servers are self-signed) that presents
    `certificate` with `private_key`, at security level 0 (SHA-1 self-signatures, spec §2)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    ctx = _ssl_ctx_pointer(context)
    der = _certificate_der(certificate)
    buffer = ctypes.c_char_p(der)
    x509 = _libcrypto.d2i_X509(None, ctypes.byref(buffer), len(der))
    if not x509:
        raise ValueError(f"{certificate} is not DER OpenSSL can parse at all")
    try:
        if _libssl.SSL_CTX_use_certificate(ctx, x509) != 1:
            raise ValueError(f"OpenSSL would not use {certificate}")
    finally:
        _libcrypto.X509_free(x509)  # the context holds its own reference
    if _libssl.SSL_CTX_use_PrivateKey_file(ctx, str(private_key).encode(), _SSL_FILETYPE_PEM) != 1:
        raise ValueError(f"OpenSSL would not use the key {private_key}")
    if _libssl.SSL_CTX_check_private_key(ctx) != 1:
        raise ValueError(f"{private_key} does not belong to {certificate}")
    # Errors queued while OpenSSL cached the certificate's extensions would otherwise surface
    # in the next unrelated ssl call of this thread.
    _libcrypto.ERR_clear_error()
    return context

