"""Insert-or-update of many rows in one statement, on SQLite and PostgreSQL alike."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def upsert(session: Session, table: Table, rows: Sequence[dict[str, Any]], key: Sequence[str],
           compare: Sequence[str] | None = None) -> None:
    """Insert `rows`; where `key` exists, update the other columns only if one of `compare` changed.

    Rows repeating a key within one call are folded (the last wins), as the database
    refuses to touch one row twice in a statement.
    """
    if not rows:
        return
    folded = list({tuple(row[k] for k in key): row for row in rows}.values())
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table)
    columns = [c for c in folded[0] if c not in key]
    compare = list(compare or columns)
    if columns:
        stmt = stmt.on_conflict_do_update(
            index_elements=list(key),
            set_={c: stmt.excluded[c] for c in columns},
            where=or_(*[table.c[c].is_distinct_from(stmt.excluded[c]) for c in compare]),
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
    session.execute(stmt, folded)
