"""One database session per request, committed at one boundary: when the response is sent."""
from __future__ import annotations

from flask import Flask, Response, g
from sqlalchemy.orm import Session

from api.problems import UNAVAILABLE_ERRORS, unavailable_problem
from api.runtime import runtime


def db() -> Session:
    """The request's session, opened on first use."""
    if "db" not in g:
        g.db = runtime().sessions()
    return g.db


def keep_changes_despite_error() -> None:
    """Commit this request's writes even though it answers with an error."""
    g.keep_changes = True


def init_app(app: Flask) -> None:
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
