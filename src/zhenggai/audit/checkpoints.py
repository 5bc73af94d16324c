"""Checkpoints kept outside the audit log by the apps above it.

`audit` is a bottom layer and imports none of the apps that use it, yet some of them keep
copies of the chain head (urging's daily snapshot does). Each such app registers a source
here from its `AppConfig.ready()`; `audit_verify` checks the chain against the
`AuditCheckpoint` rows and every registered source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

#: Returns the (seq, hash) pairs its app keeps; called at each verification.
CheckpointSource = Callable[[], Iterable[tuple[int, str]]]

_SOURCES: dict[str, CheckpointSource] = {}


def register_checkpoint_source(name: str, source: CheckpointSource) -> None:
    """Have `audit_verify` check the pairs `source()` returns; `name` registered once.

    Registering a name again replaces its source (`ready()` may run more than once).
    """
    _SOURCES[name] = source


def checkpoint_source_names() -> list[str]:
    """The registered sources' names, sorted."""
    return sorted(_SOURCES)


def registered_checkpoints() -> Iterator[tuple[int, str]]:
    """Every pair from every registered source."""
    for name in sorted(_SOURCES):
        yield from _SOURCES[name]()
