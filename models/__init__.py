"""SQLAlchemy models, one module per capability. Importing this package registers them all."""
from models import identity, idempotency, metrics, notifications, reference  # noqa: F401
from models.base import Base

__all__ = ["Base"]
