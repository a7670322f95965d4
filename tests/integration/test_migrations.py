"""The schema comes only from migrations, and they agree with the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import models  # noqa: F401
from models.base import Base


def test_models_and_migrations_agree(app):
    engine = app.extensions["runtime"].engine
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
