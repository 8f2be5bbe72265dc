"""The benchmark's accounts: user0..user{N-1} with one password, as SCRAM-SHA-1 credentials.

PBKDF2 is deliberately slow, so the credentials are derived once per (N, password, iterations)
and cached in the work directory, then written in each server's own format:

* kontalk-import.txt   for `kontalkctl user import` (RFC 5803 lines)
* prosody/localhost/accounts/userN.dat   Prosody's internal_hashed store (also what ejabberd's
  `import_prosody` reads)
* salted-passwords.txt   for xmpp-load: the SaltedPassword of each account (RFC 5802 §5.1 lets
  clients cache it), so the generator does not spend a PBKDF2 per login.

Every server gets the same salt and iteration count per account, so logins cost the same.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import multiprocessing
import uuid
from pathlib import Path

ITERATIONS = 4096  # ejabberd's fixed count; RFC 5802 §5.1's minimum
DOMAIN = "localhost"


def _derive(args: tuple[str, str, int]) -> tuple[str, str, bytes, bytes, bytes]:
    user, password, iterations = args
    salt = str(uuid.uuid4())  # ASCII, like Prosody's own salts (it stores them as Lua strings)
    salted = hashlib.pbkdf2_hmac("sha1", password.encode(), salt.encode(), iterations)
    client_key = hmac.new(salted, b"Client Key", "sha1").digest()
    stored_key = hashlib.sha1(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha1").digest()
    return user, salt, salted, stored_key, server_key


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def prepare(workdir: Path, sessions: int, password: str, iterations: int = ITERATIONS) -> Path:
    """Creates (or reuses) the account files for `sessions` accounts; returns their directory."""
    target = workdir / f"accounts-{sessions}-{iterations}-{hashlib.sha1(password.encode()).hexdigest()[:8]}"
    done = target / ".complete"
    if done.exists():
        return target
    (target / "prosody" / DOMAIN / "accounts").mkdir(parents=True, exist_ok=True)
    jobs = [(f"user{i}", password, iterations) for i in range(sessions)]
    with multiprocessing.Pool() as pool:
        derived = pool.map(_derive, jobs, chunksize=256)
    with open(target / "kontalk-import.txt", "w") as kontalk, open(
        target / "salted-passwords.txt", "w"
    ) as salted_file:
        for user, salt, salted, stored_key, server_key in derived:
            kontalk.write(
                f"{user}@{DOMAIN} SCRAM-SHA-1${iterations}:{_b64(salt.encode())}"
                f"${_b64(stored_key)}:{_b64(server_key)}\n"
            )
            salted_file.write(f"{user} {iterations} {_b64(salt.encode())} {_b64(salted)}\n")
            (target / "prosody" / DOMAIN / "accounts" / f"{user}.dat").write_text(
                "return {\n"
                f'\t["iteration_count"] = {iterations};\n'
                f'\t["salt"] = "{salt}";\n'
                f'\t["stored_key"] = "{stored_key.hex()}";\n'
                f'\t["server_key"] = "{server_key.hex()}";\n'
                "};\n"
            )
    done.touch()
    return target
