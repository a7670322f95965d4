"""/dashboard: the indicators as a page, for analysts and admins signed in through a form.

The form signs in with the same ID number + password as the app (identity services); the
Flask session cookie (signed, HttpOnly, SameSite=Lax) keeps the short-lived access token
and its refresh token. Forms carry a CSRF token bound to the session.
"""
from __future__ import annotations

import hmac
import secrets
from dataclasses import replace

from flask import Blueprint, Response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from api.context import request_context
from api.language import request_language
from api.language import text_of
from api.metrics.routes import csv_attachment
from api.runtime import runtime
from models.identity import Role
from services.errors import DomainError, Forbidden, RateLimited, Unauthenticated, ValidationFailed
from services.identity.principal import Principal
from services.metrics import analyst, service_index
from services.metrics.export import indicators_csv
from services.metrics.periods import local_today
from services.metrics.units import LEVELS
from services.messages import format_percent, lazy_text

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="templates")
ROLES = (Role.ANALYST, Role.ADMIN)
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


@bp.context_processor
def _language() -> dict:
    """The page's language, `text(...)` for a catalogue text a service hands over (a LazyText),
    and `percent(share)` for a share as the language writes it (`12,5%`, `12.5%`)."""
    language = request_language()
    return {"language": language, "text": text_of, "percent": lambda share: format_percent(share, language)}


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers.update(HEADERS)
    return response


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _check_csrf() -> None:
    sent = request.form.get("csrf_token", "")
    if not (session.get("csrf") and hmac.compare_digest(sent, session["csrf"])):
        raise Forbidden(lazy_text("metrics.dashboard.form_expired_reload_page"), code="csrf_failed")


def _keep(pair) -> None:
    session["access_token"], session["refresh_token"] = pair.access_token, pair.refresh_token


def _signed_in() -> Principal | None:
    """The analyst behind the session cookie, refreshing an expired access token once."""
    token = session.get("access_token")
    if not token:
        return None
    tokens = runtime().tokens
    try:
        return tokens.verify(token)
    except Unauthenticated as error:
        if error.code != "token_expired" or not session.get("refresh_token"):
            session.clear()
            return None
    try:
        pair = runtime().sign_in.refresh(request_context(), session["refresh_token"])
    except DomainError:
        session.clear()
        return None
    _keep(pair)
    return tokens.verify(pair.access_token)


def _form(error: str | None = None, status: int = 200):
    return render_template("dashboard/sign_in.html", error=error, csrf_token=csrf_token()), status


@bp.get("/sign-in")
def sign_in_form():
    return _form()


@bp.post("/sign-in")
def sign_in():
    try:
        _check_csrf()
        pair = runtime().sign_in.sign_in(request_context(), request.form.get("national_id", "").strip(),
                                         request.form.get("password", ""), "dashboard")
        if not set(runtime().tokens.roles_of(pair.access_token)) & set(ROLES):
            # The same answer as a wrong password: the form must not tell who is an analyst.
            # The 401 rolls the new session back: nothing is kept.
            raise Unauthenticated(lazy_text("metrics.dashboard.analyst"), code="invalid_credentials")
    except Unauthenticated:
        return _form(_("dashboard.wrong_credentials"), 401)
    except RateLimited:
        return _form(_("dashboard.too_many_tries"), 429)
    except Forbidden as error:  # a 403 rolls the new session back: nothing is kept
        return _form(text_of(error.detail), 403)
    session.clear()
    _keep(pair)
    return redirect(url_for("dashboard.page"), code=303)


@bp.post("/sign-out")
def sign_out():
    try:  # before _signed_in(), which clears the cookie (and its CSRF token) of a dead session
        _check_csrf()
    except Forbidden as error:
        return _form(text_of(error.detail), 403)
    principal = _signed_in()
    if principal is not None:
        runtime().sign_in.logout(replace(request_context(), caller=principal))
    session.clear()
    return redirect(url_for("dashboard.sign_in_form"), code=303)


def _analyst() -> Principal | Response:
    """The signed-in analyst or admin, or the answer that sends anyone else away."""
    principal = _signed_in()
    if principal is None:
        return redirect(url_for("dashboard.sign_in_form"), code=303)
    if not principal.has_role(*ROLES):
        session.clear()
        return Response(*_form(_("dashboard.analysts_only"), 403))
    return principal


@bp.get("/indicators.csv")
def csv():
    """The table of the page as CSV (the API's CSV, for a signed-in browser)."""
    principal = _analyst()
    if not isinstance(principal, Principal):
        return principal
    period = request.args.get("period", "")
    level = request.args.get("level") if request.args.get("level") in LEVELS else None
    try:
        values = analyst.city_table(request_context(), period, level)
    except ValidationFailed as error:
        return Response(text_of(error.detail), 400, mimetype="text/plain")
    return csv_attachment(indicators_csv(values), f"indicators-{period}.csv")


@bp.get("")
def page():
    principal = _analyst()
    if not isinstance(principal, Principal):
        return principal
    period = request.args.get("period")
    level = request.args.get("level") if request.args.get("level") in LEVELS else None
    sort, descending = request.args.get("sort"), request.args.get("order") != "asc"
    try:
        view = analyst.dashboard(request_context(), period, level)
    except ValidationFailed as error:
        return render_template("dashboard/page.html", view=None, error=text_of(error.detail), period=period,
                               level=level, levels=LEVELS, csrf_token=csrf_token()), 400
    from api.metrics import charts  # matplotlib loads only when a page is drawn

    bars = [(column, charts.indicator_bars(column.code, column.name, view.by_indicator(column.code),
                                           view.city_value(column.code)))
            for column in view.columns] if view.units else []
    return render_template("dashboard/page.html", view=view, error=None, period=view.period, level=view.level,
                           levels=LEVELS, bars=bars, trend=charts.active_users_trend(view.trend),
                           rows=view.rows(sort, descending), sort=sort, descending=descending,
                           csrf_token=csrf_token())


@bp.get("/service-index")
def service_index_page():
    """The service index per agency as a table (GET /api/v1/metrics/service-index, for a browser)."""
    principal = _analyst()
    if not isinstance(principal, Principal):
        return principal
    period = request.args.get("period") or local_today().isoformat()[:4]
    agency_code = request.args.get("agency_code") or None
    page = {"period": period, "agency_code": agency_code, "measures": service_index.MEASURED,
            "csrf_token": csrf_token()}
    try:
        index = service_index.service_index(request_context(), period=period, agency_code=agency_code)
    except ValidationFailed as error:
        return render_template("dashboard/service_index.html", index=None, error=text_of(error.detail), **page), 400
    return render_template("dashboard/service_index.html", index=index, error=None,
                           rows=service_index.by_agency(index), **page)
