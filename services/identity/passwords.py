"""Password hashing with Argon2id and the password policy."""
from __future__ import annotations

from dataclasses import replace

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from services.errors import ValidationFailed
from services.messages import lazy_text

MIN_LENGTH = 8
MAX_LENGTH = 128
# OWASP's Password Storage Cheat Sheet, first Argon2id line: 19 MiB, 2 passes, 1 lane (RFC
# 9106's variant, version 0x13, 16-byte salt, 32-byte tag). Why not RFC 9106's low-memory
# profile (64 MiB, 3 passes, 4 lanes): SECURITY.md "Password hashing". Hashes made with other
# parameters still verify: each hash carries its own.
OWASP_ARGON2ID = replace(profiles.RFC_9106_LOW_MEMORY, memory_cost=19 * 1024, time_cost=2, parallelism=1)


class Passwords:
    def __init__(self, profile: str = "default") -> None:
        # "fast" is for test suites only.
        parameters = profiles.CHEAPEST if profile == "fast" else OWASP_ARGON2ID
        self._hasher = PasswordHasher.from_parameters(parameters)
        self._dummy = self._hasher.hash("not-a-real-password")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """True when it matches; spends the same time when there is no account."""
        try:
            return self._hasher.verify(stored_hash or self._dummy, password) and stored_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    @staticmethod
    def check_policy(password: str, national_id: str | None = None) -> None:
        if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
            raise ValidationFailed.on_field(
                "password", lazy_text("identity.passwords.use_min_length_s", min_length=MIN_LENGTH, max_length=MAX_LENGTH), "weak_password")
        if national_id and national_id in password:
            raise ValidationFailed.on_field(
                "password", lazy_text("identity.passwords.do_use_id_number"), "weak_password")
