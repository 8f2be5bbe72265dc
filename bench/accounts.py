"""The benchmark's accounts: user0..user{N-1} with one password, as SCRAM-SHA-1 credentials.

PBKDF2 is deliberately slow, so the credentials are derived once per (N, password, iterations)
and cached in the work directory, then written in each server's own format:

* kontalk-import.txt   for `kontalkctl user import` (RFC 5803 lines)
* prosody/localhost/accounts/userN.dat   Prosody's internal_hashed store (also what ejabberd's
  `import_prosody` reads)
* salted-passwords.txt   for xmpp-load: the SaltedPassword of each account (RFC 5802 §5.1 lets
  clients cache it), so the generator does not spend a PBKDF2 per login.

Every server gets the same salt and iteration count per account, so logins cost the same.
`for_domain()` writes the first two for another domain from the same credentials (bench/s2s:
the same accounts on two servers), so that one salted-passwords.txt serves both.
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


def _derive(args: tuple[str, str, int]) -> tuple[str, int, bytes, bytes]:
    user, password, iterations = args
    salt = str(uuid.uuid4()).encode()  # ASCII, like Prosody's own salts (it stores them as Lua strings)
    return user, iterations, salt, hashlib.pbkdf2_hmac("sha1", password.encode(), salt, iterations)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _write_server_files(target: Path, domain: str, credentials) -> None:
    """kontalk-import.txt and prosody/DOMAIN/accounts/ in `target` from (user, iterations, salt,
    SaltedPassword) rows; StoredKey and ServerKey follow from SaltedPassword (RFC 5802 §3)."""
    (target / "prosody" / domain / "accounts").mkdir(parents=True, exist_ok=True)
    with open(target / "kontalk-import.txt", "w") as kontalk:
        for user, iterations, salt, salted in credentials:
            client_key = hmac.new(salted, b"Client Key", "sha1").digest()
            stored_key = hashlib.sha1(client_key).digest()
            server_key = hmac.new(salted, b"Server Key", "sha1").digest()
            kontalk.write(
                f"{user}@{domain} SCRAM-SHA-1${iterations}:{_b64(salt)}"
                f"${_b64(stored_key)}:{_b64(server_key)}\n"
            )
            (target / "prosody" / domain / "accounts" / f"{user}.dat").write_text(
                "return {\n"
                f'\t["iteration_count"] = {iterations};\n'
                f'\t["salt"] = "{salt.decode()}";\n'
                f'\t["stored_key"] = "{stored_key.hex()}";\n'
                f'\t["server_key"] = "{server_key.hex()}";\n'
                "};\n"
            )


def prepare(workdir: Path, sessions: int, password: str, iterations: int = ITERATIONS) -> Path:
    """Creates (or reuses) the account files for `sessions` accounts; returns their directory."""
    target = workdir / f"accounts-{sessions}-{iterations}-{hashlib.sha1(password.encode()).hexdigest()[:8]}"
    done = target / ".complete"
    if done.exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    jobs = [(f"user{i}", password, iterations) for i in range(sessions)]
    with multiprocessing.Pool() as pool:
        derived = pool.map(_derive, jobs, chunksize=256)
    with open(target / "salted-passwords.txt", "w") as salted_file:
        for user, iterations_used, salt, salted in derived:
            salted_file.write(f"{user} {iterations_used} {_b64(salt)} {_b64(salted)}\n")
    _write_server_files(target, DOMAIN, derived)
    done.touch()
    return target


def for_domain(account_dir: Path, domain: str) -> Path:
    """The accounts of `account_dir` (from prepare()) for `domain`: a sibling directory with
    kontalk-import.txt and prosody/DOMAIN/accounts/, the same salts and keys. Made once."""
    target = account_dir.parent / f"{account_dir.name}-{domain}"
    done = target / ".complete"
    if done.exists():
        return target
    credentials = []
    for line in (account_dir / "salted-passwords.txt").read_text().splitlines():
        user, iterations, salt, salted = line.split()
        credentials.append((user, int(iterations), base64.b64decode(salt), base64.b64decode(salted)))
    _write_server_files(target, domain, credentials)
    done.touch()
    return target
