"""The cells every published metrics table hides, decided once per whole table and remembered.

`hidden(table, threshold)` runs `suppression.protect` (threshold, complementary cells, the
attacker's check) over a whole `Table` - for an indicator every period of its year and every
level, for usage a month with its days - and keeps the answer in a small in-process cache
keyed by the table's content: the same counts give the same hidden set, so every query that
filters the same table hides the same cells, and a second query costs no new solving.
Changed counts (a new dossier) are a new key; the oldest entries are dropped first.

The service index (services/metrics/service_index.py) calls `hidden` the same way: build its
`Table` with `suppression.relations(...)` and show a cell iff its key is not in the result.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from services.metrics.suppression import Table, protect

CACHE_SIZE = 256
_decided: OrderedDict[Hashable, frozenset] = OrderedDict()


def _fingerprint(table: Table, threshold: int) -> Hashable:
    values = tuple(sorted((key, tuple(sorted(v.items()))) for key, v in table.values.items()))
    links = tuple(sorted((measure, found) for measure, found in table.relations.items()))
    return threshold, table.order, values, links, tuple(sorted(table.public))


def hidden(table: Table, threshold: int) -> frozenset:
    """The keys of `table` not to publish (below the threshold, or their partners)."""
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
