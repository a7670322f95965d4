"""One database session per request, committed at one boundary: when the response is sent.

A safe request (GET, HEAD) reads without a transaction bracket on PostgreSQL
(models/database.py: reading_session) and, when its connection turns out to have been
dropped (a database restart), is answered once more on a new connection instead of a 503:
the pool no longer pings before every checkout.
"""
from __future__ import annotations

from flask import Flask, Response, g, request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from api.problems import UNAVAILABLE_ERRORS, unavailable_problem
from api.runtime import runtime
from models.database import reading_session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def db() -> Session:
    """The request's session, opened on first use."""
    if "db" not in g:
        sessions = runtime().sessions
        g.db = reading_session(sessions) if request.method in SAFE_METHODS else sessions()
    return g.db


def keep_changes_despite_error() -> None:
    """Commit this request's writes even though it answers with an error."""
    g.keep_changes = True


def _dropped_connection(exc: DBAPIError) -> bool:
    return bool(exc.connection_invalidated) and request.method in SAFE_METHODS


def _retrying_on_dropped_connection(dispatch):
    """Answer a safe request again, once, when the database connection it got had been dropped
    (SQLAlchemy then discards every connection of the pool older than the failure)."""

    def dispatch_request(*args, **kwargs):
        try:
            return dispatch(*args, **kwargs)
        except DBAPIError as exc:
            if not _dropped_connection(exc):
                raise
        session: Session | None = g.pop("db", None)
        if session is not None:
            session.close()
        g.pop("context", None)
        g.pop("account_language", None)
        return dispatch(*args, **kwargs)

    return dispatch_request


def init_app(app: Flask) -> None:
    app.dispatch_request = _retrying_on_dropped_connection(app.dispatch_request)

    @app.after_request
    def _finish_unit_of_work(response: Response) -> Response:
        session: Session | None = g.pop("db", None)
        if session is None:
            return response
        try:
            if response.status_code < 400 or g.get("keep_changes"):
                session.commit()
            else:
                session.rollback()
        except UNAVAILABLE_ERRORS as exc:
            # The database went away at the commit: the client must not read the prepared
            # 2xx. 503, like any other request the database could not serve.
            return unavailable_problem(exc)
        finally:
            session.close()
        return response

    @app.teardown_request
    def _close(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db", None)
        if session is not None:
            session.rollback()
            session.close()
