"""XEP-0363 HTTP File Upload (spec §8.6, §8.7): slots from media.DOMAIN over XMPP (slixmpp),
files over HTTPS to the server's embedded HTTP server (Python's http.client and raw TLS sockets
for what a library would not send). U1–U8 are the spec's tests; the rest bound the HTTP layer."""

from __future__ import annotations

import asyncio
import http.client
import os
import socket
import ssl
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from slixmpp.exceptions import IqError
from slixmpp.xmlstream import ET

from clients import REPLY_TIMEOUT_S

PASSWORD = "secret"
NS = "urn:xmpp:http:upload"
NS0 = "urn:xmpp:http:upload:0"
DISCO_INFO = "http://jabber.org/protocol/disco#info"
DISCO_ITEMS = "http://jabber.org/protocol/disco#items"
STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
MAX_FILE_SIZE = 20971520
HTTP_TIMEOUT_S = 15


# --- XMPP side ----------------------------------------------------------------------------------


async def iq_get(client, to: str, payload: str):
    """Sends an IQ get with `payload` (XML text); the answer's element, result or error."""
    iq = client.make_iq_get(ito=to)
    iq.append(ET.fromstring(payload))
    try:
        reply = await iq.send(timeout=REPLY_TIMEOUT_S)
    except IqError as error:
        reply = error.iq
    return reply.xml


def slot_payload(ns: str, filename: str, size: int, content_type: str | None) -> str:
    if ns == NS:
        typed = f"<content-type>{content_type}</content-type>" if content_type else ""
        return (f"<request xmlns='{NS}'><filename>{filename}</filename><size>{size}</size>"
                f"{typed}</request>")
    typed = f" content-type='{content_type}'" if content_type else ""
    return f"<request xmlns='{NS0}' filename='{filename}' size='{size}'{typed}/>"


async def request_slot(client, server, filename, size, content_type=None, ns=NS):
    """The slot's URL (PUT = GET), or the error element."""
    reply = await iq_get(client, f"media.{server.domain}",
                         slot_payload(ns, filename, size, content_type))
    slot = reply.find(f"{{{ns}}}slot")
    if slot is None:
        return None, reply.find("{jabber:client}error")
    if ns == NS:
        put, get = slot.findtext(f"{{{ns}}}put"), slot.findtext(f"{{{ns}}}get")
    else:
        put, get = slot.find(f"{{{ns}}}put").get("url"), slot.find(f"{{{ns}}}get").get("url")
    assert put == get, f"PUT and GET URLs differ: {put} {get}"
    return put, None


def condition(error) -> str:
    assert error is not None, "expected an error"
    names = [child.tag.split("}")[1] for child in error if child.tag.startswith(f"{{{STANZAS}}}")]
    return names[0]


@pytest.fixture
async def alice(server, clients):
    return await clients.slix(server, server.add_user("alice", PASSWORD), PASSWORD)


# --- HTTP side ----------------------------------------------------------------------------------


def tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the development certificate is self-signed
    return context


def connection(server) -> http.client.HTTPSConnection:
    return http.client.HTTPSConnection(server.host, server.http_port, context=tls_context(),
                                       timeout=HTTP_TIMEOUT_S)


def path_of(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def http_request(server, method: str, url: str, body: bytes | None = None,
                 headers: dict | None = None):
    """(status, headers dict with lower-case names, body)."""
    conn = connection(server)
    try:
        conn.request(method, path_of(url) if url.startswith("http") else url, body=body,
                     headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        conn.close()


def put(server, url, data: bytes, content_type: str | None = "application/octet-stream"):
    headers = {"Content-Length": str(len(data))}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return http_request(server, "PUT", url, data, headers)


def raw_tls(server) -> ssl.SSLSocket:
    sock = socket.create_connection((server.host, server.http_port), timeout=HTTP_TIMEOUT_S)
    return tls_context().wrap_socket(sock)


def read_all(sock) -> bytes:
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionError, ssl.SSLError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


# --- disco ----------------------------------------------------------------------------------------


async def test_service_is_in_disco_items_with_identity_features_and_forms(server, alice):
    items = await iq_get(alice, server.domain, f"<query xmlns='{DISCO_ITEMS}'/>")
    jids = {item.get("jid"): item.get("name") for item in items.iter(f"{{{DISCO_ITEMS}}}item")}
    assert jids.get(f"media.{server.domain}") == "HTTP File Upload", f"items: {jids}"

    info = await iq_get(alice, f"media.{server.domain}", f"<query xmlns='{DISCO_INFO}'/>")
    identities = [(i.get("category"), i.get("type")) for i in info.iter(f"{{{DISCO_INFO}}}identity")]
    assert identities == [("store", "file")], identities
    features = {f.get("var") for f in info.iter(f"{{{DISCO_INFO}}}feature")}
    assert {NS, NS0} <= features, features
    forms = {}
    for form in info.iter("{jabber:x:data}x"):
        fields = {f.get("var"): f.findtext("{jabber:x:data}value")
                  for f in form.iter("{jabber:x:data}field")}
        forms[fields["FORM_TYPE"]] = fields
    assert forms[NS]["max-file-size"] == str(MAX_FILE_SIZE), forms
    assert forms[NS0]["max-file-size"] == str(MAX_FILE_SIZE), forms


# --- U1, both namespaces; 5 MiB; HEAD, OPTIONS, keep-alive ---------------------------------------


@pytest.mark.parametrize("ns", [NS, NS0])
async def test_u1_slot_put_get_same_bytes_and_type(server, alice, ns):
    data = os.urandom(4096)
    url, error = await request_slot(alice, server, "image_20200303_101507.jpg", len(data),
                                    "image/jpeg", ns)
    assert error is None, ET.tostring(error)
    assert url.startswith(f"https://{server.domain}:{server.http_port}/upload/"), url
    slot_id, name = path_of(url).split("/")[2:]
    assert len(slot_id) == 32 and name == "image_20200303_101507.jpg", url

    status, headers, body = await asyncio.to_thread(put, server, url, data, "image/jpeg")
    assert (status, body) == (200, b""), (status, body)
    assert headers.get("access-control-allow-origin") == "*"

    status, headers, body = await asyncio.to_thread(http_request, server, "GET", url)
    assert status == 200 and body == data
    assert headers["content-type"] == "image/jpeg"
    assert headers["content-length"] == str(len(data))
    assert headers["accept-ranges"] == "bytes"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"] == "default-src 'none'"
    assert headers["access-control-allow-origin"] == "*"
    assert "content-disposition" not in headers  # an image/* is shown, not downloaded


async def test_5_mib_round_trip_head_options_and_keep_alive(server, alice):
    data = os.urandom(5 * 1024 * 1024)
    url, error = await request_slot(alice, server, "notes v2.bin", len(data))
    assert error is None
    assert path_of(url).endswith("/notes_v2.bin"), url

    def exchange():
        conn = connection(server)
        try:
            conn.request("PUT", path_of(url), body=data,
                         headers={"Content-Length": str(len(data))})  # no Content-Type
            first = conn.getresponse()
            first.read()
            sock = conn.sock
            conn.request("GET", path_of(url))  # same connection: keep-alive
            second = conn.getresponse()
            got = second.read()
            reused = conn.sock is sock
            conn.request("HEAD", path_of(url))
            head = conn.getresponse()
            head_body = head.read()
            conn.request("OPTIONS", path_of(url))
            options = conn.getresponse()
            options.read()
            conn.request("DELETE", path_of(url))
            delete = conn.getresponse()
            delete.read()
            return first, second, got, reused, head, head_body, options, delete
        finally:
            conn.close()

    first, second, got, reused, head, head_body, options, delete = await asyncio.to_thread(exchange)
    assert first.status == 200
    assert second.status == 200 and got == data, f"{second.status}, {len(got)} bytes"
    assert reused, "the connection was not kept alive"
    assert second.getheader("Content-Type") == "application/octet-stream"
    assert second.getheader("Content-Disposition") == 'attachment; filename="notes_v2.bin"'
    assert head.status == 200 and head_body == b""
    assert head.getheader("Content-Length") == str(len(data))
    assert options.status == 200
    assert options.getheader("Access-Control-Allow-Methods") == "GET, HEAD, PUT, OPTIONS"
    assert options.getheader("Access-Control-Allow-Headers") == "Content-Type"
    assert options.getheader("Access-Control-Allow-Origin") == "*"
    assert delete.status == 405


# --- U2: PUT refusals -----------------------------------------------------------------------------


async def test_u2_put_refusals(server, alice):
    data = b"x" * 1000
    url, _ = await request_slot(alice, server, "a.txt", len(data), "text/plain")
    other_url, _ = await request_slot(alice, server, "b.txt", len(data), "text/plain")
    slot_path = path_of(url)
    unknown = slot_path.replace(slot_path.split("/")[2], "A" * 32)
    renamed = slot_path.rsplit("/", 1)[0] + "/other.txt"

    def refusals():
        return {
            "unknown slot": put(server, unknown, data, "text/plain")[0],
            "other name": put(server, renamed, data, "text/plain")[0],
            "wrong length": put(server, url, data[:999], "text/plain")[0],
            "wrong type": put(server, url, data, "image/png")[0],
        }

    statuses = await asyncio.to_thread(refusals)
    assert statuses == {"unknown slot": 403, "other name": 403, "wrong length": 400,
                        "wrong type": 400}, statuses

    def chunked():  # no Content-Length: a chunked body
        sock = raw_tls(server)
        try:
            sock.sendall(f"PUT {path_of(other_url)} HTTP/1.1\r\nHost: x\r\nContent-Type: "
                         "text/plain\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n".encode()
                         + data + b"\r\n0\r\n\r\n")
            return read_all(sock)
        finally:
            sock.close()

    answer = await asyncio.to_thread(chunked)
    assert answer.startswith(b"HTTP/1.1 411 "), answer[:80]

    # Parameters and case of the type do not matter; the slot is still unused after all that.
    status, _, _ = await asyncio.to_thread(put, server, url, data, "Text/Plain; charset=utf-8")
    assert status == 200
    status, _, _ = await asyncio.to_thread(put, server, url, data, "text/plain")
    assert status == 409


# --- U3, U4: slot refusals ------------------------------------------------------------------------


@pytest.mark.parametrize("ns", [NS, NS0])
async def test_u3_file_too_large(server, alice, ns):
    url, error = await request_slot(alice, server, "big.mp4", MAX_FILE_SIZE + 1, "video/mp4", ns)
    assert url is None
    assert error.get("type") == "modify" and condition(error) == "not-acceptable"
    too_large = error.find(f"{{{ns}}}file-too-large")
    assert too_large is not None, ET.tostring(error)
    assert too_large.findtext(f"{{{ns}}}max-file-size") == str(MAX_FILE_SIZE)
    assert error.findtext(f"{{{STANZAS}}}text") == (
        "File too large. The maximum file size is 20971520 bytes")


async def test_bad_requests(server, alice):
    media = f"media.{server.domain}"
    for payload in (f"<request xmlns='{NS}'><size>10</size></request>",
                    f"<request xmlns='{NS}'><filename>a</filename></request>",
                    f"<request xmlns='{NS0}' filename='a' size='0'/>",
                    f"<request xmlns='{NS0}' filename='a' size='ten'/>"):
        reply = await iq_get(alice, media, payload)
        assert condition(reply.find("{jabber:client}error")) == "bad-request", payload


async def test_u4_quota_and_unused_slots(make_server, clients):
    server = make_server({"modules.upload": {"user_quota": 1000, "user_quota_soft": 1000}})
    alice = await clients.slix(server, server.add_user("alice", PASSWORD), PASSWORD)
    url, _ = await request_slot(alice, server, "a.bin", 600)
    assert (await asyncio.to_thread(put, server, url, b"a" * 600))[0] == 200
    _, error = await request_slot(alice, server, "b.bin", 401)
    assert error.get("type") == "wait" and condition(error) == "resource-constraint"
    # 400 fits; then 19 more unused slots reach the limit of 20.
    for index in range(20):
        url, error = await request_slot(alice, server, f"s{index}.bin", 1)
        assert error is None, f"slot {index}: {ET.tostring(error)}"
    _, error = await request_slot(alice, server, "one-too-many.bin", 1)
    assert error.get("type") == "wait" and condition(error) == "resource-constraint"


# --- U5: ranges -----------------------------------------------------------------------------------


async def test_u5_ranges(server, alice):
    data = os.urandom(1000)
    url, _ = await request_slot(alice, server, "r.bin", len(data))
    assert (await asyncio.to_thread(put, server, url, data))[0] == 200

    def ranged(value):
        return http_request(server, "GET", url, headers={"Range": value})

    status, headers, body = await asyncio.to_thread(ranged, "bytes=0-99")
    assert status == 206 and body == data[:100]
    assert headers["content-range"] == "bytes 0-99/1000"
    status, headers, body = await asyncio.to_thread(ranged, "bytes=-10")
    assert status == 206 and body == data[-10:]
    status, headers, _ = await asyncio.to_thread(ranged, "bytes=999999999-")
    assert status == 416 and headers["content-range"] == "bytes */1000"
    status, _, body = await asyncio.to_thread(ranged, "bytes=0-1,5-6")
    assert status == 200 and body == data


# --- U6: only local users -------------------------------------------------------------------------
# A remote user reaches media.DOMAIN only over s2s, which does not route to subdomain services
# yet; tests/unit/modules/upload/upload_test.cpp checks the not-allowed answer to one.


# --- U7: max_age ----------------------------------------------------------------------------------


async def test_u7_expired_file_is_not_found(make_server, clients):
    server = make_server({"modules.upload": {"max_age": 1}})
    alice = await clients.slix(server, server.add_user("alice", PASSWORD), PASSWORD)
    url, _ = await request_slot(alice, server, "old.bin", 10)
    assert (await asyncio.to_thread(put, server, url, b"0123456789"))[0] == 200
    await asyncio.sleep(2.1)  # max_age is whole seconds: 2 s later the file is past it
    status, _, _ = await asyncio.to_thread(http_request, server, "GET", url)
    assert status == 404


# --- the periodic expiry (spec §8.7: hourly; expiry_interval makes it every second here) ---------


def stored_files(server) -> set[str]:
    return {path.name for path in (server.data_dir / "upload").iterdir()}


async def wait_for_files(server, expected: set[str], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while stored_files(server) != expected and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert stored_files(server) == expected


async def test_expiry_deletes_the_oldest_files_above_the_soft_quota(make_server, clients):
    server = make_server({"modules.upload": {"user_quota": 10000, "user_quota_soft": 1000,
                                             "expiry_interval": 1}})
    alice = await clients.slix(server, server.add_user("alice", PASSWORD), PASSWORD)
    urls = []
    for index in range(3):
        url, _ = await request_slot(alice, server, f"q{index}.bin", 400)
        assert (await asyncio.to_thread(put, server, url, bytes(400)))[0] == 200
        urls.append(url)
        await asyncio.sleep(1.1)  # stored_at has whole seconds: each file in its own
    # 1200 bytes > 1000: the oldest file goes, from disk too; 800 bytes stay.
    newest = {path_of(url).split("/")[2] for url in urls[1:]}
    await wait_for_files(server, newest)
    assert (await asyncio.to_thread(http_request, server, "GET", urls[0]))[0] == 404
    for url in urls[1:]:
        assert (await asyncio.to_thread(http_request, server, "GET", url))[0] == 200


async def test_expiry_deletes_files_past_max_age_from_disk(make_server, clients):
    server = make_server({"modules.upload": {"max_age": 2, "expiry_interval": 1}})
    alice = await clients.slix(server, server.add_user("alice", PASSWORD), PASSWORD)
    url, _ = await request_slot(alice, server, "old.bin", 10)
    assert (await asyncio.to_thread(put, server, url, b"0123456789"))[0] == 200
    assert stored_files(server) == {path_of(url).split("/")[2]}
    await wait_for_files(server, set())


# --- U8: same name twice --------------------------------------------------------------------------


async def test_u8_same_name_twice_gives_two_urls(server, alice):
    first, _ = await request_slot(alice, server, "same.jpg", 10, "image/jpeg")
    second, _ = await request_slot(alice, server, "same.jpg", 10, "image/jpeg")
    assert first and second and first != second


# --- the HTTP layer under load and abuse ----------------------------------------------------------


async def test_concurrent_uploads(server, alice):
    blobs = [os.urandom(256 * 1024 + index) for index in range(8)]
    urls = []
    for index, blob in enumerate(blobs):
        url, error = await request_slot(alice, server, f"c{index}.bin", len(blob))
        assert error is None
        urls.append(url)

    def round_trip(pair):
        url, blob = pair
        status = put(server, url, blob)[0]
        got = http_request(server, "GET", url)
        return status, got[0], got[2] == blob

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = await asyncio.to_thread(lambda: list(pool.map(round_trip, zip(urls, blobs))))
    assert results == [(200, 200, True)] * 8, results


async def test_aborted_upload_leaves_no_file_and_the_slot_usable(server, alice):
    data = os.urandom(1024 * 1024)
    url, _ = await request_slot(alice, server, "cut.bin", len(data))
    upload_dir = server.data_dir / "upload"

    def cut_short():
        sock = raw_tls(server)
        sock.sendall(f"PUT {path_of(url)} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(data)}\r\n"
                     "Content-Type: application/octet-stream\r\n\r\n".encode() + data[:300000])
        # The partial file exists while the body arrives...
        deadline = time.monotonic() + HTTP_TIMEOUT_S
        while not list(upload_dir.glob("*.part")) and time.monotonic() < deadline:
            time.sleep(0.01)
        seen = [p.name for p in upload_dir.glob("*.part")]
        sock.close()
        # ...and is gone once the connection is.
        deadline = time.monotonic() + HTTP_TIMEOUT_S
        while list(upload_dir.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.02)
        return seen, [p.name for p in upload_dir.iterdir()]

    seen, left = await asyncio.to_thread(cut_short)
    assert len(seen) == 1, f"no partial file while the body arrived: {seen}"
    assert left == [], f"files left after the cut: {left}"
    status, _, _ = await asyncio.to_thread(http_request, server, "GET", url)
    assert status == 404  # incomplete
    status, _, _ = await asyncio.to_thread(put, server, url, data)
    assert status == 200
    assert (await asyncio.to_thread(http_request, server, "GET", url))[2] == data


async def test_path_traversal_is_refused(server, alice):
    url, _ = await request_slot(alice, server, "t.txt", 3, "text/plain")
    assert (await asyncio.to_thread(put, server, url, b"abc", "text/plain"))[0] == 200
    slot_id = path_of(url).split("/")[2]

    def raw_get(target: str) -> bytes:
        sock = raw_tls(server)
        try:
            sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            return read_all(sock)
        finally:
            sock.close()

    for target in ("/upload/../kontalk.toml", "/upload/%2e%2e/%2e%2e/kontalk.toml",
                   f"/upload/{slot_id}/..%2f..%2fkontalk.toml", f"/upload/{slot_id}/%2e%2e",
                   f"/upload/{slot_id}/t.txt%00.jpg", "/upload/./x/t.txt",
                   f"/upload/{slot_id}//t.txt", "../../etc/passwd"):
        answer = await asyncio.to_thread(raw_get, target)
        status = answer[9:12]
        assert status in (b"400", b"404"), f"{target}: {answer[:60]!r}"
        assert b"abc" not in answer.split(b"\r\n\r\n", 1)[-1], target
    # The real path still works.
    assert (await asyncio.to_thread(raw_get, path_of(url))).endswith(b"abc")


async def test_huge_header_is_refused(server):
    def send():
        sock = raw_tls(server)
        try:
            sock.sendall(b"GET /upload/x/y HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000
                         + b"\r\n\r\n")
            return read_all(sock)
        finally:
            sock.close()

    answer = await asyncio.to_thread(send)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:80]


async def test_slowloris_head_is_cut_at_the_deadline(make_server):
    server = make_server({"http": {"header_timeout": 1}})
    head = b"GET /upload/x/y HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"z" * 40 + b"\r\n\r\n"

    def drip():
        sock = raw_tls(server)
        sent = 0
        try:
            for byte in head:  # one byte every 0.1 s: the head would take about 9 s
                sock.sendall(bytes([byte]))
                sent += 1
                time.sleep(0.1)
            return sent, sock.recv(100)
        except (ConnectionError, ssl.SSLError):
            return sent, b""
        finally:
            sock.close()

    sent, answer = await asyncio.to_thread(drip)
    assert sent < len(head) or answer == b"", f"the server waited for all {sent} bytes: {answer!r}"
    server.wait_for_log("request head not complete within 1 s")
