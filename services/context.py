"""What every service entry point receives first: the request's (or command's) context.

Built once per request by the HTTP layer (api/context.py) and once per command by the CLI.
Services read the session, the caller, the clock, the key-value store and the settings from
it, and nothing else from the outside world.
"""
from __future__ import annotations

from dataclasses import dataclass

import redis
from sqlalchemy.orm import Session

from services.clock import Clock
from services.errors import Unauthenticated
from services.identity.national_id import NationalIdHasher
from services.identity.principal import Principal
from services.settings import Settings
from services.messages import lazy_text


@dataclass(frozen=True)
class Context:
    session: Session
    caller: Principal | None  # None: anonymous, or a command run by an operator
    id_hasher: NationalIdHasher
    clock: Clock
    kv: redis.Redis
    settings: Settings
    language: str = "vi"  # the language texts for the caller are written in (api/language.py chose it)

    @property
    def principal(self) -> Principal:
        """The signed-in caller, for the services only a signed-in caller reaches."""
        if self.caller is None:
            raise Unauthenticated(lazy_text("context.sign_first_send_authorization"))
        return self.caller
