"""Argon2id password hashes (RFC 9106's second recommended set: 64 MiB, 3 passes, 4 lanes).

Hashing takes ~50-100 ms of CPU: callers run it in eventlet's thread pool (``tpool``) so the hub
keeps serving other workers meanwhile."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventlet import tpool

HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4)
# verified against when a login names no one, so a missing account takes as long as a wrong password
DUMMY_HASH = HASHER.hash("not-a-password-of-anyone")


def hash_password(password: str) -> str:
    return tpool.execute(HASHER.hash, password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return bool(tpool.execute(HASHER.verify, password_hash or DUMMY_HASH, password)) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)
