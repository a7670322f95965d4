"""Holders' private keys for remote signing: made here, kept only encrypted (AES-256-GCM)."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HOLDER_KEY_BITS = 2048  # RSA 2048 / SHA-256, what Vietnamese public CAs issue to citizens
NONCE_BYTES = 12


class KeyUnavailable(RuntimeError):
    """A stored key cannot be decrypted with the configured key-encryption key."""


@dataclass(frozen=True)
class SealedKey:
    key_id: str
    ciphertext: bytes


@dataclass(frozen=True)
class HolderKey:
    private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

    @property
    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    @property
    def pkcs8_der(self) -> bytes:
        return self.private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption())


class KeyVault:
    """Seals holder keys with a 32-byte key-encryption key; the certificate serial is bound in."""

    def __init__(self, key_encryption_key: bytes) -> None:
        if len(key_encryption_key) != 32:
            raise ValueError("the key-encryption key must be 32 bytes")
        self._aead = AESGCM(key_encryption_key)
        self.key_id = hashlib.sha256(b"ihanoi-kek" + key_encryption_key).hexdigest()[:16]

    @staticmethod
    def new_key() -> HolderKey:
        return HolderKey(rsa.generate_private_key(65537, HOLDER_KEY_BITS))

    def seal(self, key: HolderKey, serial: str) -> SealedKey:
        nonce = os.urandom(NONCE_BYTES)
        return SealedKey(self.key_id, nonce + self._aead.encrypt(nonce, key.pkcs8_der, serial.encode()))

    def open(self, sealed: SealedKey, serial: str) -> HolderKey:
        if sealed.key_id != self.key_id:
            raise KeyUnavailable(f"sealed with key {sealed.key_id}, configured key is {self.key_id}")
        try:
            der = self._aead.decrypt(sealed.ciphertext[:NONCE_BYTES], sealed.ciphertext[NONCE_BYTES:],
                                     serial.encode())
        except InvalidTag as exc:
            raise KeyUnavailable("the sealed key does not open with the configured key") from exc
        return HolderKey(serialization.load_der_private_key(der, password=None))
