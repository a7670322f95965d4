"""The dossier state machine as data: the allowed moves, who may make each, portal codes."""
from __future__ import annotations

OWNER, OFFICER, AGENCY_KEY = "owner", "officer", "agency_key"
AGENCY = frozenset({OFFICER, AGENCY_KEY})
ACTORS = (OWNER, OFFICER, AGENCY_KEY)

STATES = ("submitted", "received", "processing", "supplement_requested", "approved",
          "rejected", "returned", "withdrawn")

# (from, to) -> who may make the move. Nothing else is a legal move.
MOVES: dict[tuple[str, str], frozenset[str]] = {
    ("submitted", "received"): AGENCY,
    ("submitted", "withdrawn"): AGENCY | {OWNER},  # the agency records a withdrawal made on paper
    ("received", "processing"): AGENCY,
    ("received", "rejected"): AGENCY,
    ("received", "withdrawn"): AGENCY | {OWNER},
    ("processing", "supplement_requested"): AGENCY,
    ("processing", "approved"): AGENCY,
    ("processing", "rejected"): AGENCY,
    ("supplement_requested", "processing"): AGENCY | {OWNER},  # the owner supplements (online or at the counter)
    ("approved", "returned"): AGENCY,
}

# A dossier in one of these states has been decided: finished_at and on_time are set.
DECIDED = frozenset({"approved", "rejected"})
# No move leaves these; the due date no longer matters.
CLOSED = frozenset({"approved", "rejected", "returned", "withdrawn"})
# Moves that need a note (a reason the citizen reads).
NOTE_REQUIRED = frozenset({"supplement_requested", "rejected"})

# The national public-service portal's status codes, for agency systems to translate.
# 3 (not received), 6 (payment requested) and 8 (processing stopped) have no state here;
# a rejection is reported as processed (9) with a refusal result. Check against the
# portal's integration spec before wiring a real exchange.
PORTAL_STATUS: dict[str, int] = {
    "submitted": 1,
    "received": 2,
    "processing": 4,
    "supplement_requested": 5,
    "withdrawn": 7,
    "approved": 9,
    "rejected": 9,
    "returned": 10,
}

# What the citizen reads in the inbox, per state (the app is in Vietnamese).
STATE_LABELS: dict[str, str] = {
    "submitted": "Đã nộp",
    "received": "Đã tiếp nhận",
    "processing": "Đang xử lý",
    "supplement_requested": "Cần bổ sung giấy tờ",
    "approved": "Đã giải quyết",
    "rejected": "Bị từ chối",
    "returned": "Đã trả kết quả",
    "withdrawn": "Đã rút hồ sơ",
}


def allowed_moves(current: str, actor: str) -> list[str]:
    """The states `actor` may move a dossier in `current` to, in the order of STATES."""
    return [to for to in STATES if actor in MOVES.get((current, to), frozenset())]


def may_move(current: str, to: str, actor: str) -> bool:
    return actor in MOVES.get((current, to), frozenset())
