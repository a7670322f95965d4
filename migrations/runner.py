"""Applying the Alembic migrations from code (the CLI and the test suite)."""
from __future__ import annotations

import os

from alembic import command
from alembic.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", HERE)
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)
