"""The cells every published metrics table hides, decided once per whole table and remembered.

`hidden(table, threshold)` runs `suppression.protect` (threshold, complementary cells, the
attacker's check) over a whole `Table` - for an indicator every period of its year and every
level, for usage a month with its days - and keeps the answer in a small in-process cache
keyed by the table's content: the same counts give the same hidden set, so every query that
filters the same table hides the same cells, and a second query costs no new solving.
Changed counts (a new dossier) are a new key; the oldest entries are dropped first.

The service index (services/metrics/service_index.py) calls `hidden` the same way: build its
`Table` with `suppression.relations(...)` and show a cell iff its key is not in the result.

Across tables: one count can be published in two tables (a unit's monthly active users are
both the `mau_share` numerator and a `GET /metrics/usage` row). `hidden_together` decides such
tables together: a cell hidden in either is hidden in both, each table hiding its own partners
for it, until neither hides anything more.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import replace

from services.metrics.relations import Key
from services.metrics.suppression import Table, protect

CACHE_SIZE = 256
_decided: OrderedDict[Hashable, frozenset] = OrderedDict()


def _fingerprint(table: Table, threshold: int) -> Hashable:
    values = tuple(sorted((key, tuple(sorted(v.items()))) for key, v in table.values.items()))
    links = tuple(sorted((measure, found) for measure, found in table.relations.items()))
    return threshold, table.order, values, links, tuple(sorted(table.public))


def _as_small(table: Table, keys: frozenset) -> Table:
    """`table` with `keys` under any threshold: hidden from the start, like a small cell. (A
    hidden cell's counts are never seen by the attacker nor used to choose a partner.)"""
    if not keys:
        return table
    return replace(table, values={key: {m: -1 for m in values} if key in keys else values
                                  for key, values in table.values.items()})


def hidden(table: Table, threshold: int, also: frozenset = frozenset()) -> frozenset:
    """The keys of `table` not to publish (below the threshold, or their partners); `also`:
    keys hidden in a linked table (`hidden_together`), hidden here too."""
    table = _as_small(table, also & table.values.keys())
    key = _fingerprint(table, threshold)
    if key in _decided:
        _decided.move_to_end(key)
        return _decided[key]
    found = protect(table, threshold)
    if found.pinned:  # protect() hides until nothing is pinned; this is its contract, checked
        raise AssertionError(f"suppression left cells pinned: {sorted(found.pinned)[:3]}")
    _decided[key] = found.hidden
    while len(_decided) > CACHE_SIZE:
        _decided.popitem(last=False)
    return found.hidden


Cell = tuple[Hashable, Key]  # (table name, key in that table)


def hidden_together(tables: Mapping[Hashable, Table], same: Iterable[tuple[Cell, Cell]],
                    threshold: int) -> dict[Hashable, frozenset]:
    """The hidden keys of each table, where each pair in `same` (one count published in two
    tables) is hidden in both or in neither."""
    same = list(same)
    also: dict[Hashable, frozenset] = {name: frozenset() for name in tables}
    while True:
        secret = {name: hidden(table, threshold, also[name]) for name, table in tables.items()}
        more: dict[Hashable, set] = {name: set() for name in tables}
        for one, other in same:
            for (here, key), (there, partner) in ((one, other), (other, one)):
                if key in secret[here] and partner not in secret[there]:
                    more[there].add(partner)
        if not any(more.values()):
            return secret
        also = {name: also[name] | more[name] for name in tables}
