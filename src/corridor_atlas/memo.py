"""Results worked out once per loaded object: an atlas, a layer's frame, its geometries.

Atlases and frames cannot be hashed, so :func:`once` keys its results by the identity of
the objects they come from and keeps those objects alive beside the result, so an
identity is never reused for another object while its result is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

_KEEP = 512
_RESULTS: dict[tuple[str, tuple[int, ...], Hashable], tuple[tuple[Any, ...], Any]] = {}


def once(name: str, sources: Sequence[Any], key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave before for the same ``sources`` (by identity) and key."""
    ident = (name, tuple(id(s) for s in sources), key)
    found = _RESULTS.get(ident)
    if found is not None and all(a is b for a, b in zip(found[0], sources, strict=True)):
        return found[1]  # type: ignore[no-any-return]
    result = compute()
    if len(_RESULTS) >= _KEEP:
        _RESULTS.clear()
    _RESULTS[ident] = (tuple(sources), result)
    return result


def kept() -> frozenset[tuple[str, tuple[int, ...], Hashable]]:
    """What is kept now: (name, source identities, key) of each result."""
    return frozenset(_RESULTS)
