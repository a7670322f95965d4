"""Random walks over the dossier and signature-request state machines, through the real
transition functions on the real database: every state reached is one the table allows from
the one before, by that actor; an illegal move raises and changes nothing (no status, no
history row, no notification)."""
from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from api.context import context_of
from models.dossiers import Dossier, DossierActorKind, DossierEvent, DossierStatus
from models.notifications import Notification
from models.signatures import CertificateStatus, SignatureRequest, SignatureRequestEvent, SignatureRequestStatus
from services.clock import clock
from services.dossiers import states, submission, transitions
from services.dossiers.actors import Actor
from services.errors import Forbidden, InvalidTransition
from services.identity.principal import Principal
from services.signatures import workflow
from tests.dossiers_support import BA_DINH, BUSINESS, BUSINESS_FORM
from tests.signatures_support import COUNTER, business_day

# The walks look for moves that break the table; that every state can be reached is shown apart,
# by a search over the table replayed through the real functions (below), not by the walks' luck.
WALKS = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def shortest_paths(moves, start) -> dict:
    """Every state the move table reaches from `start`, with a shortest list of (to, actor) moves."""
    paths = {start: []}
    frontier = [start]
    while frontier:
        reached_now = []
        for current in frontier:
            for (source, to), movers in sorted(moves.items()):
                if source == current and movers and to not in paths:
                    paths[to] = [*paths[current], (to, sorted(movers)[0])]
                    reached_now.append(to)
        frontier = reached_now
    return paths


def _steps(data, legal_now, any_move, count: int):
    """Up to `count` moves, each either one the table allows now or any move at all."""
    for _ in range(data.draw(st.integers(0, count))):
        options = legal_now()
        if options and data.draw(st.integers(0, 3)):  # three legal moves for one arbitrary one
            yield data.draw(st.sampled_from(options))
        else:
            yield data.draw(any_move)
REASONS = {"note": "Thiếu bản sao hợp đồng", "missing_documents": ["Bản sao hợp đồng thuê nhà"]}


@pytest.fixture
def ctx(app, db_session):
    return context_of(app.extensions["runtime"], db_session)


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def _dossier_trace(session, dossier: Dossier) -> tuple:
    return (dossier.status, _count(session, DossierEvent, DossierEvent.dossier_id == dossier.id),
            _count(session, Notification))


def test_random_dossier_walks_stay_inside_the_table(db_session, people, catalogue, ctx):
    owner = people.citizen()
    as_owner = replace(ctx, caller=Principal(kind="account", account_id=owner.account.id, roles=("citizen",),
                                             assurance_level=2))
    actors = _dossier_actors(owner)  # the transfer moves nothing itself

    any_move = st.tuples(st.sampled_from(tuple(DossierStatus)), st.sampled_from(tuple(DossierActorKind)))
    @WALKS
    @given(st.data())
    def walk(data):
        with db_session.begin_nested() as example:
            code = submission.submit_online(as_owner, procedure_code=BUSINESS, form=BUSINESS_FORM).code
            dossier = transitions.lock_dossier(db_session, code)

            def legal_now():
                return [(to, actor) for actor in DossierActorKind for to in states.DOSSIERS.allowed(dossier.status, actor)]

            for to, actor in _steps(data, legal_now, any_move, 20):
                before, trace = dossier.status, _dossier_trace(db_session, dossier)
                reasons = REASONS if to == "supplement_requested" else {"note": REASONS["note"]}
                if states.DOSSIERS.may(before, to, actor):
                    transitions.move(ctx, dossier, to, actors[actor], **reasons)
                    assert dossier.status == to
                    status, events, notes = _dossier_trace(db_session, dossier)
                    invited = to in states.DECIDED  # a decision also invites the owner to rate
                    assert (events, notes) == (trace[1] + 1, trace[2] + 1 + invited)
                else:
                    try:
                        transitions.move(ctx, dossier, to, actors[actor], **reasons)
                    except InvalidTransition as refused:
                        assert refused.extra == {"current": before,
                                                 "allowed": states.DOSSIERS.allowed(before, actor)}
                    else:
                        raise AssertionError(f"{actor} moved a {before} dossier to {to}")
                    assert _dossier_trace(db_session, dossier) == trace
            history = db_session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier.id)
                                         .order_by(DossierEvent.id)).all()
            assert history[0].from_status is None and history[-1].to_status == dossier.status
            for earlier, later in zip(history, history[1:]):
                assert later.from_status == earlier.to_status
                assert later.actor_kind in states.MOVES[(later.from_status, later.to_status)]
            example.rollback()

    walk()


def _dossier_actors(owner) -> dict:
    return {DossierActorKind.OWNER: Actor(DossierActorKind.OWNER, owner.account.id),
            DossierActorKind.OFFICER: Actor(DossierActorKind.OFFICER, None, BA_DINH),
            DossierActorKind.AGENCY_KEY: Actor(DossierActorKind.AGENCY_KEY, None, BA_DINH),
            DossierActorKind.TRANSFER: Actor(DossierActorKind.TRANSFER, None, BA_DINH)}


def test_every_dossier_state_is_reached_by_the_real_moves(db_session, people, catalogue, ctx):
    owner = people.citizen()
    as_owner = replace(ctx, caller=Principal(kind="account", account_id=owner.account.id, roles=("citizen",),
                                             assurance_level=2))
    actors = _dossier_actors(owner)
    paths = shortest_paths(states.MOVES, DossierStatus.SUBMITTED)
    assert set(paths) == set(DossierStatus)
    for target, path in paths.items():
        with db_session.begin_nested() as attempt:
            code = submission.submit_online(as_owner, procedure_code=BUSINESS, form=BUSINESS_FORM).code
            dossier = transitions.lock_dossier(db_session, code)
            for to, actor in path:
                reasons = REASONS if to == "supplement_requested" else {"note": REASONS["note"]}
                transitions.move(ctx, dossier, to, actors[actor], **reasons)
            assert dossier.status == target
            assert _count(db_session, DossierEvent, DossierEvent.dossier_id == dossier.id) == len(path) + 1
            attempt.rollback()


def _request_trace(session, request: SignatureRequest) -> tuple:
    return (request.status,
            _count(session, SignatureRequestEvent, SignatureRequestEvent.request_id == request.id),
            _count(session, Notification))


def test_random_signature_request_walks_stay_inside_the_table(db_session, people, catalogues):
    owner = people.citizen()
    roles = sorted({who for movers in workflow.REQUEST_MOVES.values() for who in movers})

    any_move = st.tuples(st.sampled_from(tuple(SignatureRequestStatus)), st.sampled_from(roles))

    @WALKS
    @given(st.data())
    def walk(data):
        with db_session.begin_nested() as example:
            now = clock.now()
            request = SignatureRequest(account_id=owner.account.id, provider_code="VNPT-CA", counter_code=COUNTER,
                                       appointment_date=business_day(), status="submitted", created_at=now,
                                       updated_at=now)
            db_session.add(request)
            db_session.flush()

            def legal_now():
                return [(to, who) for (source, to), movers in workflow.REQUEST_MOVES.items()
                        if source == request.status for who in movers]

            for to, role in _steps(data, legal_now, any_move, 10):
                before, trace = request.status, _request_trace(db_session, request)
                movers = workflow.REQUEST_MOVES.get((before, to))
                if movers is not None and role in movers:
                    workflow.move(db_session, request, to, actor_id=None, actor_role=role)
                    db_session.flush()
                    assert request.status == to
                    assert _request_trace(db_session, request)[1:] == (trace[1] + 1, trace[2] + 1)
                    continue
                expected = InvalidTransition if movers is None else Forbidden
                try:
                    workflow.move(db_session, request, to, actor_id=None, actor_role=role)
                except expected as refused:
                    if expected is InvalidTransition:
                        assert refused.extra == {"current": before, "allowed": workflow.allowed_moves(before)}
                else:
                    raise AssertionError(f"{role} moved a {before} request to {to}")
                db_session.flush()
                assert _request_trace(db_session, request) == trace
            for event in request.history:
                assert event.actor_kind in workflow.REQUEST_MOVES[(event.from_status, event.to_status)]
            example.rollback()

    walk()


def test_every_signature_request_state_is_reached_by_the_real_moves(db_session, people, catalogues):
    owner = people.citizen()
    paths = shortest_paths(workflow.REQUEST_MOVES, SignatureRequestStatus.SUBMITTED)
    assert set(paths) == set(SignatureRequestStatus)
    for target, path in paths.items():
        with db_session.begin_nested() as attempt:
            now = clock.now()
            request = SignatureRequest(account_id=owner.account.id, provider_code="VNPT-CA", counter_code=COUNTER,
                                       appointment_date=business_day(), status="submitted", created_at=now,
                                       updated_at=now)
            db_session.add(request)
            db_session.flush()
            for to, role in path:
                workflow.move(db_session, request, to, actor_id=None, actor_role=role)
            db_session.flush()
            assert request.status == target
            assert len(request.history) == len(path)
            attempt.rollback()


@given(st.sampled_from(list(CertificateStatus)), st.sampled_from(list(CertificateStatus)))
def test_certificate_moves_are_exactly_the_table(current, to):
    try:
        workflow.check_certificate_move(current, to)
    except InvalidTransition as refused:
        assert (current, to) not in workflow.CERTIFICATE_MOVES
        assert "expired" not in refused.extra["allowed"]  # time alone expires a certificate
    else:
        assert (current, to) in workflow.CERTIFICATE_MOVES
