"""One shape for every state machine: a table of moves, and one function that makes a move.

A machine's table says, for each legal move `(from, to)`, who may make it; anything not in
the table is 409 invalid_transition, with the current state and the moves still open. A
move that nobody may make (an empty set: a certificate expires by time alone) is legal to
compute but never offered. The row that moves has `status` and `updated_at`; its history
rows share one set of columns (from_status, to_status, actor_kind, actor_account_id, note,
created_at) plus whatever the capability adds.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from services.errors import Forbidden, InvalidTransition
from services.messages import LazyText, lazy_text

# (from, to) -> who may make the move. Nothing else is a legal move.
Moves = Mapping[tuple[StrEnum, StrEnum], frozenset[StrEnum]]

# The refusal's default wording, formatted with `noun`, `current` and `to`.
REFUSAL = lazy_text("state.refusal")
# What a machine moves, in the reader's words (a noun this table lacks is shown as it is).
NOUN_LABELS: dict[str, LazyText] = {
    "dossier": lazy_text("state.noun.dossier"),
    "request": lazy_text("state.noun.request"),
    "certificate": lazy_text("state.noun.certificate"),
}


@dataclass(frozen=True)
class StateMachine:
    noun: str
    states: tuple[StrEnum, ...]  # the order `allowed` lists them in
    moves: Moves
    # The 409's detail, a catalogue text filled with `noun`, `current` and `to`.
    refusal: LazyText = REFUSAL
    # The reader's name of each state in the refusal (a state without one is shown as its code).
    labels: Mapping[StrEnum, LazyText] | None = None
    # False: a caller is offered only the moves they may make, and any other is a 409.
    # True: every move is offered, and one made by the wrong actor is 403 forbidden_move.
    forbid_wrong_actor: bool = False
    # The history row: its model and the column naming the row that moved.
    event: type[Any] | None = None
    subject_column: str = ""

    def allowed(self, current: StrEnum | str, actor: StrEnum | str | None = None) -> list[StrEnum]:
        """The states `actor` (or, without one, anybody) may move a row in `current` to."""
        return [to for to in self.states
                if (who := self.moves.get((current, to))) and (actor is None or actor in who)]

    def _label(self, state: StrEnum | str) -> LazyText | str:
        return (self.labels or {}).get(state, state)

    def may(self, current: StrEnum | str, to: StrEnum | str, actor: StrEnum | str) -> bool:
        return actor in self.moves.get((current, to), frozenset())

    def check(self, current: StrEnum | str, to: StrEnum | str, actor: StrEnum | str | None = None) -> None:
        """Refuse a move the table does not have, or (with `actor`) one the actor may not make."""
        who = self.moves.get((current, to))
        if who is None or (actor is not None and actor not in who and not self.forbid_wrong_actor):
            offered = self.allowed(current, None if self.forbid_wrong_actor else actor)
            raise InvalidTransition(self.refusal.filled(noun=NOUN_LABELS.get(self.noun, self.noun),
                                                        current=self._label(current), to=self._label(to)),
                                    current=current, allowed=offered)
        if actor is not None and actor not in who:
            raise Forbidden(lazy_text("state_machine.only_items_s_can", items=' or '.join(sorted(who)),
                                      noun=NOUN_LABELS.get(self.noun, self.noun), to=self._label(to)),
                            code="forbidden_move")


def move(session: Session, machine: StateMachine, subject: Any, to: StrEnum, actor: StrEnum, *,
         now: datetime, **event_columns: Any) -> Any:
    """Check the move against the table, make it at `now`, and write its history row."""
    machine.check(subject.status, to, actor)
    previous = subject.status
    subject.status, subject.updated_at = type(machine.states[0])(to), now
    return record(session, machine, subject, previous, actor, now=now, **event_columns)


def record(session: Session, machine: StateMachine, subject: Any, from_status: StrEnum | None,
           actor: StrEnum, *, now: datetime, **event_columns: Any) -> Any:
    """The history row of `subject` reaching its current status (from None: it was created)."""
    assert machine.event is not None, f"the {machine.noun} machine keeps no history"
    event = machine.event(**{machine.subject_column: subject.id}, from_status=from_status,
                          to_status=subject.status, actor_kind=actor, created_at=now, **event_columns)
    session.add(event)
    return event
