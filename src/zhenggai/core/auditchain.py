"""The audit log's hash chain: every entry's hash covers its content and its predecessor's.

Editing, inserting, deleting or reordering entries breaks the chain at that point, and
`verify_chain` names the first entry where it breaks. Someone with write access to the table
could rewrite the whole tail and recompute every hash, and could delete the newest entries
without leaving a gap; checkpoints — (seq, hash) pairs recorded outside the database, e.g.
in a printed report, a mail to the discipline inspection team or another system — detect
both. The chain is unkeyed on purpose: anyone holding a backup can verify it.

Hashes must still match after the rows have gone through a JSON column and back, through a
PostgreSQL dump or an SQLite copy. `canonical_json` therefore serialises only values whose
JSON text both engines give back unchanged, and services store `canonical_value(x)` (the
JSON-ready form) in the `before`/`after` columns so what is read back hashes the same.

Hash versions. Each entry stores the rule its hash follows (`hash_version`) and
`verify_chain` applies each entry's own rule, so entries written under an older rule keep
verifying, and so do the checkpoints and snapshot copies of heads taken under it:

- v1, the first release, covers prev_hash, seq, created_at, actor_repr (hashed as
  "actor"), action, object_type, object_id, before and after — but neither `object_repr`
  (the line an auditor reads) nor `actor_id`.
- v2 covers every stored column (`HASHED_FIELDS[HASH_V2]`, its own version included). The
  database tests check that list against the table's columns, so a column cannot be added
  without a v3. Versions never go back along the chain.

The seal. A v1 entry's hash cannot protect the columns it leaves out, and rewriting old
hashes would invalidate every checkpoint. Instead the upgrade (a data migration) appends one
v2 *seal* entry after the last v1 entry: its `after` holds the SHA-256 of every v1 entry's
seq, hash and uncovered columns, in order (`SealDigest`). The seal's own v2 hash covers the
digest and every later entry's link covers the seal, so editing an old entry's
`object_repr` or `actor_id` makes the digest that `verify_chain` recomputes while streaming
(one running hash: constant memory) disagree with the seal. The first v2 entry after v1
entries must be the seal, and v1 entries with no seal after them fail too, so the seal
cannot simply be dropped. A chain that starts under v2 (a fresh installation) has no v1
entries and no seal. The seal vouches for the uncovered columns as they stood at the
upgrade: nothing protected them before, so an edit made earlier cannot be detected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Any

from zhenggai.core.canonical import (
    JSONValue,
    canonical_json,
    canonical_value,
)

#: The `prev_hash` of the first entry.
GENESIS_HASH = "0" * 64

#: The chain's entries start at this sequence number.
FIRST_SEQ = 1

#: Hash rules; an entry's `hash_version` names the one its hash follows.
HASH_V1 = 1
HASH_V2 = 2
#: The rule new entries follow.
CURRENT_HASH_VERSION = HASH_V2

#: Per version, the payload's keys and the `ChainEntry` attributes they hold. Frozen: a
#: change would break every entry hashed under that version; new columns need a new one.
HASHED_FIELDS: dict[int, tuple[tuple[str, str], ...]] = {
    HASH_V1: (
        ("prev_hash", "prev_hash"),
        ("seq", "seq"),
        ("created_at", "created_at"),
        ("actor", "actor_repr"),
        ("action", "action"),
        ("object_type", "object_type"),
        ("object_id", "object_id"),
        ("before", "before"),
        ("after", "after"),
    ),
    HASH_V2: tuple(
        (name, name)
        for name in (
            "hash_version",
            "seq",
            "created_at",
            "actor_id",
            "actor_repr",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "prev_hash",
        )
    ),
}

#: The stored columns a v1 hash leaves out (its `hash_version` is checked by trying the
#: v2 rule: a v1 entry relabelled v2 no longer matches), which the seal vouches for.
SEALED_FIELDS = ("actor_id", "object_repr")

#: The `actor_repr` of entries written without a user (commands, tasks, the seal).
SYSTEM_ACTOR = "系统"

#: The seal entry that closes the v1 entries (see the module docstring).
SEAL_ACTION = "audit.seal"
SEAL_OBJECT_TYPE = "audit.auditentry"
SEAL_REPR = (
    "封存第 {first}–{last} 条旧版审计记录：其哈希未覆盖操作人编号和对象描述，由本条的摘要覆盖"
)

# Problems `verify_chain` reports, one per way the chain can break.
ENTRY_EDITED = "第 {seq} 条审计记录内容被修改（哈希不符）"
LINK_BROKEN = "第 {seq} 条审计记录与前一条衔接不上（前序哈希不符，其前的记录被插入、删除或改动）"
ENTRY_MISSING = "第 {seq} 条审计记录缺失或顺序错乱（其后出现的是第 {found} 条）"
ENTRY_OUT_OF_PLACE = "第 {seq} 条审计记录重复或顺序错乱（此处应为第 {expected} 条）"
CHECKPOINT_MISMATCH = "第 {seq} 条审计记录与检查点不符（记录被整体改写）"
ENTRIES_TRUNCATED = (
    "第 {seq} 条起的审计记录缺失（检查点记到第 {checkpoint} 条，现存只有 {last} 条）"
)
UNKNOWN_VERSION = "第 {seq} 条审计记录的哈希版本 {version} 无法识别"
VERSION_WENT_BACK = "第 {seq} 条审计记录的哈希版本 {version} 早于其前的记录（版本被改动）"
SEAL_MISSING = (
    "第 {seq} 条审计记录应为第 1–{last} 条旧版记录的封存记录，但没有（封存记录被删除或改动）"
)
SEAL_MISMATCH = (
    "第 1–{last} 条旧版审计记录中有记录的操作人编号或对象描述被修改（与第 {seq} 条封存记录不符）"
)

def _digest(payload: str) -> str:
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainEntry:
    """One audit entry as the chain sees it: one attribute per stored column, same names."""

    seq: int
    prev_hash: str
    created_at: dt.datetime
    actor_id: int | None
    actor_repr: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: Any
    after: Any
    hash: str
    hash_version: int

    @classmethod
    def from_row(cls, row: Any) -> ChainEntry:
        """The entry of a database row (or anything with the same attributes)."""
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})

    def computed_hash(self) -> str:
        """The hash the entry's content should have under its own version's rule.

        Raises `ValueError` for a version this code does not know.
        """
        try:
            hashed = HASHED_FIELDS[self.hash_version]
        except KeyError:
            raise ValueError(
                UNKNOWN_VERSION.format(seq=self.seq, version=self.hash_version)
            ) from None
        return _digest(canonical_json({key: getattr(self, name) for key, name in hashed}))


def next_entry(
    previous: ChainEntry | None,
    *,
    created_at: dt.datetime,
    actor_id: int | None,
    actor_repr: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: Any,
    after: Any,
) -> ChainEntry:
    """The entry that follows `previous` (the first one when None), hashed under v2.

    `before` and `after` are stored in their canonical form, exactly what a JSON column
    will give back. The caller must hold a lock on the chain's head so two entries never
    get the same predecessor.
    """
    unhashed = ChainEntry(
        seq=FIRST_SEQ if previous is None else previous.seq + 1,
        prev_hash=GENESIS_HASH if previous is None else previous.hash,
        created_at=created_at,
        actor_id=actor_id,
        actor_repr=actor_repr,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        before=canonical_value(before),
        after=canonical_value(after),
        hash="",
        hash_version=CURRENT_HASH_VERSION,
    )
    return replace(unhashed, hash=unhashed.computed_hash())


# --- the seal of v1 entries -----------------------------------------------------------


class SealDigest:
    """The running SHA-256 of v1 entries' seq, hash and the columns their hash leaves out.

    One line of canonical JSON per entry, in chain order; it holds nothing else, so it
    runs over millions of entries in constant memory (the upgrade and `verify_chain`).
    """

    def __init__(self) -> None:
        self._sha = hashlib.sha256()
        self.count = 0
        self.last_seq = 0

    def add(self, entry: ChainEntry) -> None:
        line = {"seq": entry.seq, "hash": entry.hash}
        line.update({name: getattr(entry, name) for name in SEALED_FIELDS})
        self._sha.update(canonical_json(line).encode("utf-8") + b"\n")
        self.count += 1
        self.last_seq = entry.seq

    def hexdigest(self) -> str:
        return self._sha.hexdigest()

    def seal_after(self) -> dict[str, JSONValue]:
        """The `after` of the seal entry for the entries added so far."""
        return {"through": self.last_seq, "digest": self.hexdigest()}


def seal_entry(previous: ChainEntry, digest: SealDigest, *, created_at: dt.datetime) -> ChainEntry:
    """The v2 entry that seals the v1 entries `digest` has read, `previous` the last one."""
    return next_entry(
        previous,
        created_at=created_at,
        actor_id=None,
        actor_repr=SYSTEM_ACTOR,
        action=SEAL_ACTION,
        object_type=SEAL_OBJECT_TYPE,
        object_id=f"{FIRST_SEQ}-{digest.last_seq}",
        object_repr=SEAL_REPR.format(first=FIRST_SEQ, last=digest.last_seq),
        before=None,
        after=digest.seal_after(),
    )


# --- verification ---------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of `verify_chain`.

    `checked` counts the entries that verified before the first problem (all of them when
    `ok`); `first_bad_seq` is the sequence number at which the chain first fails to verify
    — for a gap the missing number, for a duplicate or a step backwards the number the
    out-of-place entry carries, for an edited v1 column the seal that no longer matches.
    An entry edited *with* its hash recomputed shows up at the next entry, whose link no
    longer matches: the chain tells where it breaks, not who broke it.
    """

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None


def _entry_problem(entry: ChainEntry, expected_prev: str, latest_version: int) -> str | None:
    """What is wrong with `entry` on its own and as the successor of `expected_prev`."""
    if entry.prev_hash != expected_prev:
        return LINK_BROKEN.format(seq=entry.seq)
    if entry.hash_version not in HASHED_FIELDS:
        return UNKNOWN_VERSION.format(seq=entry.seq, version=entry.hash_version)
    if entry.hash_version < latest_version:
        return VERSION_WENT_BACK.format(seq=entry.seq, version=entry.hash_version)
    if entry.computed_hash() != entry.hash:
        return ENTRY_EDITED.format(seq=entry.seq)
    return None


def _seal_problem(entry: ChainEntry, sealed: SealDigest) -> str | None:
    """What is wrong with `entry`, the first v2 entry after the v1 entries `sealed` read."""
    if entry.action != SEAL_ACTION or entry.object_type != SEAL_OBJECT_TYPE:
        return SEAL_MISSING.format(seq=entry.seq, last=sealed.last_seq)
    if canonical_json(entry.after) != canonical_json(sealed.seal_after()):
        return SEAL_MISMATCH.format(seq=entry.seq, last=sealed.last_seq)
    return None


def verify_chain(
    entries: Iterable[ChainEntry], *, checkpoints: Iterable[tuple[int, str]] = ()
) -> VerifyResult:
    """Check `entries` (in seq order, from the first) against each other and `checkpoints`.

    Each entry is checked under its own hash version; v1 entries are also checked against
    the seal that follows them (see the module docstring). Streams: it holds one entry,
    the running seal digest and the checkpoints at a time, so a server-side cursor over
    millions of rows runs in constant memory. Stops at the first problem. Several
    checkpoints may name the same entry; each must match.
    """
    expected_hashes: dict[int, set[str]] = {}
    for seq, hash_ in checkpoints:
        expected_hashes.setdefault(seq, set()).add(hash_)
    expected_seq = FIRST_SEQ
    expected_prev = GENESIS_HASH
    latest_version = HASH_V1
    sealed = SealDigest()
    checked = 0

    def failed(seq: int, problem: str) -> VerifyResult:
        return VerifyResult(ok=False, checked=checked, first_bad_seq=seq, problem=problem)

    for entry in entries:
        if entry.seq > expected_seq:
            return failed(expected_seq, ENTRY_MISSING.format(seq=expected_seq, found=entry.seq))
        if entry.seq < expected_seq:
            return failed(
                entry.seq, ENTRY_OUT_OF_PLACE.format(seq=entry.seq, expected=expected_seq)
            )
        problem = _entry_problem(entry, expected_prev, latest_version)
        if problem is None and entry.hash_version == HASH_V1:
            sealed.add(entry)
        elif problem is None and latest_version == HASH_V1 and sealed.count:
            problem = _seal_problem(entry, sealed)
        if problem is None and expected_hashes.get(entry.seq, {entry.hash}) != {entry.hash}:
            problem = CHECKPOINT_MISMATCH.format(seq=entry.seq)
        if problem is not None:
            return failed(entry.seq, problem)
        latest_version = entry.hash_version
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    last = expected_seq - 1
    if latest_version == HASH_V1 and sealed.count:
        return failed(last + 1, SEAL_MISSING.format(seq=last + 1, last=last))
    beyond = [seq for seq in expected_hashes if seq > last]
    if beyond:
        return failed(
            last + 1,
            ENTRIES_TRUNCATED.format(seq=last + 1, checkpoint=max(beyond), last=last),
        )
    return VerifyResult(ok=True, checked=checked)
