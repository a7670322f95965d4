"""SQLAlchemy models, one module per capability. Importing this package registers them all."""
from models import (  # noqa: F401
    data_access, dossiers, health, identity, idempotency, metrics, notifications, payments, push, ratings,
    reference, signatures)
from models.base import Base

__all__ = ["Base"]
