"""Password hashing with Argon2id and the password policy."""
from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from services.errors import ValidationFailed
from services.messages import lazy_text

MIN_LENGTH = 8
MAX_LENGTH = 128


class Passwords:
    def __init__(self, profile: str = "default") -> None:
        # "fast" is the RFC 9106 low-memory profile cut down for test suites only.
        parameters = profiles.CHEAPEST if profile == "fast" else profiles.RFC_9106_LOW_MEMORY
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
