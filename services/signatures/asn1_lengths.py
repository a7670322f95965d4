"""A fix for asn1crypto 1.5.1 taking some definite lengths for indefinite ones.

asn1crypto's `dump()` re-encodes a value from scratch, with everything below it, when the
value's stored header ends in byte 0x80, meant as the BER indefinite-length mark. A definite
length of 128, 384, 640, 3,456 ... bytes ends in that byte too (`30 82 0d 80`), so such a value
is re-encoded at every dump (https://github.com/wbond/asn1crypto/issues/249, not fixed in any
release). Re-encoding parses every lazy child, and a parsed field with a DEFAULT value (the
hash algorithm of the signing-certificate-v2 attribute) counts as changed for good, after which
each of its ancestors re-encodes its subtree at every read: exponential in the depth. A PAdES
signature whose SignerInfo happened to be 3,456 bytes long took 5 s to assemble on a quiet
machine instead of 1 ms, and a minute on a loaded one.

A value parsed with an indefinite length keeps its end-of-contents trailer (`00 00`); a header
ending in 0x80 without one is definite. Its header is dropped before the library's check and
rebuilt from the same contents: the DER header it had (or, for a value read with a longer
length form than needed, the shortest one, which is what DER asks for).
"""
from __future__ import annotations

import functools

from asn1crypto import core


def _definite_header_ending_in_0x80(value: core.Asn1Value) -> bool:
    header = value._header
    return header is not None and header[-1:] == b"\x80" and not value._trailer


def _without_false_indefinite_lengths(dump):
    @functools.wraps(dump)
    def dump_definite(self, force=False):
        if _definite_header_ending_in_0x80(self):
            self._header = None
        return dump(self, force)
    return dump_definite


def install() -> None:
    """Wrap each `dump` that checks the 0x80 mark; calling it again changes nothing."""
    for cls in (core.Asn1Value, core.Choice, core.Primitive, core.Sequence, core.SequenceOf):
        dump = cls.__dict__["dump"]
        if not getattr(dump, "checks_definite_lengths", False):
            wrapped = _without_false_indefinite_lengths(dump)
            wrapped.checks_definite_lengths = True
            cls.dump = wrapped


install()
