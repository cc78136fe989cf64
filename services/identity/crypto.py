"""Secrets at rest (TOTP secrets, signing keys): AES-256-GCM under a key derived from
IDENTITY_DATA_KEY, and SHA-256 digests of the one-use tokens the service hands out."""
import hashlib
import os
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


def _key(data_key: str) -> bytes:
    if not data_key:
        raise RuntimeError("IDENTITY_DATA_KEY is not set")
    return hashlib.sha256(data_key.encode()).digest()


def seal(data_key: str, plaintext: bytes, purpose: bytes) -> bytes:
    """nonce + ciphertext; ``purpose`` (associated data) binds it to its column."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_key(data_key)).encrypt(nonce, plaintext, purpose)


def unseal(data_key: str, sealed: bytes, purpose: bytes) -> bytes:
    return AESGCM(_key(data_key)).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], purpose)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"
