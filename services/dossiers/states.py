"""The dossier state machine as data: the allowed moves, who may make each, portal codes."""
from __future__ import annotations

from models.dossiers import DossierActorKind as Actor, DossierEvent, DossierStatus as S
from services.messages import LazyText, lazy_text
from services.state_machine import Moves, StateMachine

AGENCY = frozenset({Actor.OFFICER, Actor.AGENCY_KEY})

# (from, to) -> who may make the move. Nothing else is a legal move.
MOVES: Moves = {
    (S.SUBMITTED, S.RECEIVED): AGENCY,
    (S.SUBMITTED, S.WITHDRAWN): AGENCY | {Actor.OWNER},  # the agency records a withdrawal made on paper
    (S.RECEIVED, S.PROCESSING): AGENCY,
    (S.RECEIVED, S.REJECTED): AGENCY,
    (S.RECEIVED, S.WITHDRAWN): AGENCY | {Actor.OWNER},
    (S.PROCESSING, S.SUPPLEMENT_REQUESTED): AGENCY,
    (S.PROCESSING, S.APPROVED): AGENCY,
    (S.PROCESSING, S.REJECTED): AGENCY,
    # the owner supplements (online or at the counter)
    (S.SUPPLEMENT_REQUESTED, S.PROCESSING): AGENCY | {Actor.OWNER},
    (S.APPROVED, S.RETURNED): AGENCY,
    # fees (issue 16): the agency asks for a payment later; paying (the owner, through the
    # gateway's callback) takes the dossier back to where it was asked from
    (S.RECEIVED, S.PAYMENT_REQUESTED): AGENCY,
    (S.PROCESSING, S.PAYMENT_REQUESTED): AGENCY,
    (S.PAYMENT_REQUESTED, S.SUBMITTED): frozenset({Actor.OWNER}),
    (S.PAYMENT_REQUESTED, S.RECEIVED): frozenset({Actor.OWNER}),
    (S.PAYMENT_REQUESTED, S.PROCESSING): frozenset({Actor.OWNER}),
    (S.PAYMENT_REQUESTED, S.WITHDRAWN): AGENCY | {Actor.OWNER},
}

# Filed anywhere in the city (Decree 118/2025): the agency moves the receiving service centre
# makes (it takes the dossier in, turns it away at reception, takes the citizen's supplement and
# hands the result over). The deciding agency makes every agency move of MOVES.
RECEIVING_CENTRE_MOVES = frozenset({
    (S.SUBMITTED, S.RECEIVED),
    (S.SUBMITTED, S.WITHDRAWN),
    (S.RECEIVED, S.REJECTED),
    (S.RECEIVED, S.WITHDRAWN),
    (S.SUPPLEMENT_REQUESTED, S.PROCESSING),
    (S.APPROVED, S.RETURNED),
})


# A dossier in one of these states has been decided: finished_at and on_time are set.
DECIDED = frozenset({S.APPROVED, S.REJECTED})
# No move leaves these; the due date no longer matters.
CLOSED = frozenset({S.APPROVED, S.REJECTED, S.RETURNED, S.WITHDRAWN})
# Moves that need a note (a reason the citizen reads).
NOTE_REQUIRED = frozenset({S.SUPPLEMENT_REQUESTED, S.REJECTED})

# The national public-service portal's status codes, for agency systems to translate.
# 3 (not received) and 8 (processing stopped) have no state here;
# a rejection is reported as processed (9) with a refusal result. Check against the
# portal's integration spec before wiring a real exchange.
PORTAL_STATUS: dict[S, int] = {
    S.SUBMITTED: 1,
    S.RECEIVED: 2,
    S.PROCESSING: 4,
    S.SUPPLEMENT_REQUESTED: 5,
    S.WITHDRAWN: 7,
    S.APPROVED: 9,
    S.REJECTED: 9,
    S.RETURNED: 10,
    S.PAYMENT_REQUESTED: 6,
}

# What the citizen reads in the inbox, per state (the app is in Vietnamese).
STATE_LABELS: dict[S, LazyText] = {
    S.SUBMITTED: lazy_text("dossier.state.submitted"),
    S.RECEIVED: lazy_text("dossier.state.received"),
    S.PROCESSING: lazy_text("dossier.state.processing"),
    S.SUPPLEMENT_REQUESTED: lazy_text("dossier.state.supplement_requested"),
    S.APPROVED: lazy_text("dossier.state.approved"),
    S.REJECTED: lazy_text("dossier.state.rejected"),
    S.RETURNED: lazy_text("dossier.state.returned"),
    S.WITHDRAWN: lazy_text("dossier.state.withdrawn"),
    S.PAYMENT_REQUESTED: lazy_text("dossier.state.payment_requested"),
}
# Callers are offered only their own moves; any other move is 409, naming the states as the inbox does.
DOSSIERS = StateMachine("dossier", tuple(S), MOVES, refusal=lazy_text("dossier.refusal"), labels=STATE_LABELS,
                        event=DossierEvent, subject_column="dossier_id")

# The dossier waits on the citizen in these states: its processing clock is paused.
WAITING_ON_CITIZEN = frozenset({S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED})

