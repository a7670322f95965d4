"""Business rules. Plain functions and small classes over a SQLAlchemy Session; no Flask here."""
