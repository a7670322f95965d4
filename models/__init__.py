"""SQLAlchemy models, one module per capability. Importing this package registers them all."""
from models import dossiers, identity, idempotency, notifications, push, reference, signatures  # noqa: F401
from models.base import Base

__all__ = ["Base"]
