"""The Kontalk Android client's own credentials against a real kontalkd (spec §2, §3, §4).

tests/java/realclient is a small Java client that makes the same Bouncy Castle calls as the
Android client (PGP.create/store, X509Bridge.createCertificate, PersonalKey.update), uses JSSE
with the bridge certificate as its TLS client credential, and speaks XMPP as Smack 4.3 does:
registration in three connections, the server-certified key merged, a new bridge certificate,
SASL with the mechanism Smack would pick, resource binding and a round trip. It is compiled once
per test session with javac against Debian's Bouncy Castle jars (scripts/install-deps installs
them); a missing JDK or jar is a failure, not a skip.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

SOURCES = Path(__file__).resolve().parents[1] / "java" / "realclient"
JARS = [Path("/usr/share/java") / f"{name}.jar" for name in ("bcprov", "bcutil", "bcpkix", "bcpg")]
COMPILE_TIMEOUT_S = 120
# Key generation, four TLS connections and the login take a few seconds; the client itself gives
# up on any single answer after 15 s (KontalkConnection.DEFAULT_PACKET_TIMEOUT).
RUN_TIMEOUT_S = 90
PHONE = "+15555215554"
CODE = "123456"


@pytest.fixture(scope="session")
def real_client_classpath(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Compiles tests/java/realclient once; returns the classpath to run it with."""
    javac = shutil.which("javac")
    missing = [str(jar) for jar in JARS if not jar.is_file()]
    if javac is None or shutil.which("java") is None or missing:
        pytest.fail(
            "the Java client needs a JDK and Bouncy Castle "
            f"(javac: {javac}, missing jars: {missing}); run scripts/install-deps"
        )
    jars = ":".join(str(jar) for jar in JARS)
    classes = tmp_path_factory.mktemp("realclient-classes")
    # -Xlint:-path: Debian's bcpkix manifest names optional mail jars that are not installed.
    compiled = subprocess.run(
        [javac, "-Xlint:all,-path", "-Werror", "-d", str(classes), "-cp", jars,
         *sorted(str(source) for source in SOURCES.glob("*.java"))],
        capture_output=True, text=True, timeout=COMPILE_TIMEOUT_S,
    )
    if compiled.returncode != 0:
        pytest.fail(f"javac failed ({compiled.returncode}):\n{compiled.stdout}{compiled.stderr}")
    return f"{jars}:{classes}"


def run_client(classpath: str, server, tls: str) -> tuple[int, str]:
    completed = subprocess.run(
        ["java", "-cp", classpath, "realclient.Main",
         "--host", server.host, "--port", str(server.starttls_port), "--domain", server.domain,
         "--phone", PHONE, "--name", "Kontalk Java", "--code", CODE, "--tls", tls],
        capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
    )
    return completed.returncode, completed.stdout + completed.stderr


@pytest.mark.parametrize("tls", ["TLSv1.2", "TLSv1.3"])
def test_android_client_registers_logs_in_and_is_served(make_server, real_client_classpath, tls):
    server = make_server({"modules.register": {"provider": "fixed", "fixed_code": CODE}})
    status, transcript = run_client(real_client_classpath, server, tls)

    jid = f"{hashlib.sha1(PHONE.encode()).hexdigest()}@{server.domain}"
    last = transcript.rstrip().splitlines()[-1] if transcript.strip() else ""
    expected = rf"OK tls={re.escape(tls)} jid={re.escape(jid)}/[0-9a-f]{{16}}"
    succeeded = status == 0 and re.fullmatch(expected, last)
    assert succeeded, f"the Java client (Android client credentials) failed, exit {status}:\n{transcript}"
    # The client's signing subkey carries a cross-signature librnp finds wrong; the server never
    # judges subkeys, so librnp must not write about it into the log (it bypasses the logger).
    librnp_lines = re.findall(r"^\[\w+\(\) [^\]]*:\d+\] .*$", server.log_path.read_text(errors="replace"),
                              re.MULTILINE)
    assert not librnp_lines, f"librnp wrote to the server's standard error: {librnp_lines[:5]}"


def test_android_client_accepts_service_terms_the_server_announces(make_server, real_client_classpath):
    # RegistrationService.onVerificationRequest: an 'accept-terms' field and a 'terms' value in the
    # instructions form make the client ask the user, then send accept-terms=true (spec §4.1).
    terms = {"terms_url": "https://example.net/terms"}
    server = make_server({"modules.register": {"provider": "fixed", "fixed_code": CODE, **terms}})
    status, transcript = run_client(real_client_classpath, server, "TLSv1.3")

    assert "the server asks to accept terms at https://example.net/terms: accepted" in transcript, transcript
    assert status == 0, f"the Java client (Android client credentials) failed, exit {status}:\n{transcript}"
