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
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeAlias

#: The `prev_hash` of the first entry.
GENESIS_HASH = "0" * 64

#: The chain's entries start at this sequence number.
FIRST_SEQ = 1

# Problems `verify_chain` reports, one per way the chain can break.
ENTRY_EDITED = "第 {seq} 条审计记录内容被修改（哈希不符）"
LINK_BROKEN = "第 {seq} 条审计记录与前一条衔接不上（前序哈希不符，其前的记录被插入、删除或改动）"
ENTRY_MISSING = "第 {seq} 条审计记录缺失或顺序错乱（其后出现的是第 {found} 条）"
ENTRY_OUT_OF_PLACE = "第 {seq} 条审计记录重复或顺序错乱（此处应为第 {expected} 条）"
CHECKPOINT_MISMATCH = "第 {seq} 条审计记录与检查点不符（记录被整体改写）"
ENTRIES_TRUNCATED = (
    "第 {seq} 条起的审计记录缺失（检查点记到第 {checkpoint} 条，现存只有 {last} 条）"
)

# Why values are refused; the audit service's caller must convert them first.
FLOAT_REFUSED = "审计记录不接受浮点数 {value!r}：请先转换为 Decimal 或字符串"
NAIVE_DATETIME_REFUSED = "审计记录中的时间 {value} 缺少时区"
NUL_REFUSED = "审计记录中的文本含有 NUL 字符（PostgreSQL 无法保存）"
KEY_REFUSED = "审计记录中的键必须是字符串：{key!r}"
TYPE_REFUSED = "审计记录不接受 {type} 类型的值"
DECIMAL_REFUSED = "审计记录不接受非有限的 Decimal：{value}"

JSONValue: TypeAlias = bool | int | str | list["JSONValue"] | dict[str, "JSONValue"] | None


def _utc_text(value: dt.datetime) -> str:
    """One fixed text per instant: UTC, always six fractional digits, a trailing Z."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(NAIVE_DATETIME_REFUSED.format(value=value.isoformat()))
    # isoformat, unlike strftime("%Y"), pads the year to four digits on every platform.
    utc = value.astimezone(dt.UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def _text(value: str) -> str:
    if "\x00" in value:
        raise ValueError(NUL_REFUSED)
    return value


def canonical_value(value: Any) -> JSONValue:
    """`value` as plain JSON data, ready for a JSON column; what `canonical_json` writes.

    - dict keys must be strings (JSON would turn `1` into `"1"` and change the hash);
    - lists and tuples become lists;
    - aware datetimes become UTC text `YYYY-MM-DDTHH:MM:SS.ffffffZ`, so the same instant in
      Asia/Shanghai and UTC is the same text; naive datetimes are refused (which instant?);
    - dates become `YYYY-MM-DD`; UUIDs their hyphenated text; Decimals `str(d)` (trailing
      zeros kept: `Decimal("1.10")` stays "1.10");
    - floats are refused: PostgreSQL's jsonb keeps numbers as `numeric`, so `1e20` comes
      back as `100000000000000000000` and the text — hence the hash — changes. Money and
      measurements go in as Decimal;
    - strings with NUL are refused: jsonb cannot store them.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)  # an IntEnum's value, so that its repr cannot leak into the text
    if isinstance(value, str):
        return _text(str(value))
    if isinstance(value, float):
        raise TypeError(FLOAT_REFUSED.format(value=value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(DECIMAL_REFUSED.format(value=value))
        return str(value)
    if isinstance(value, dt.datetime):  # before `date`: a datetime is a date
        return _utc_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        result: dict[str, JSONValue] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(KEY_REFUSED.format(key=key))
            result[_text(key)] = canonical_value(item)
        return result
    if isinstance(value, list | tuple):
        return [canonical_value(item) for item in value]
    raise TypeError(TYPE_REFUSED.format(type=type(value).__name__))


def canonical_json(value: Any) -> str:
    """The one text of `value` that the hash covers (see `canonical_value` for the rules).

    Keys sorted by code point, no whitespace, non-ASCII kept as is (UTF-8 when hashed).
    `canonical_json(json.loads(canonical_json(x))) == canonical_json(x)` for every accepted
    `x`, which is what lets a restored database verify.
    """
    return json.dumps(
        canonical_value(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def entry_hash(
    *,
    prev_hash: str,
    seq: int,
    created_at: dt.datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before: Any,
    after: Any,
) -> str:
    """SHA-256 (hex) of one entry's fields and its predecessor's hash."""
    payload = canonical_json(
        {
            "prev_hash": prev_hash,
            "seq": seq,
            "created_at": created_at,
            "actor": actor,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "before": before,
            "after": after,
        }
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainEntry:
    """One audit entry as the chain sees it (the database row carries the same fields)."""

    seq: int
    prev_hash: str
    created_at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    before: Any
    after: Any
    hash: str

    def computed_hash(self) -> str:
        """The hash the entry's content should have."""
        return entry_hash(
            prev_hash=self.prev_hash,
            seq=self.seq,
            created_at=self.created_at,
            actor=self.actor,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            before=self.before,
            after=self.after,
        )


def next_entry(
    previous: ChainEntry | None,
    *,
    created_at: dt.datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before: Any,
    after: Any,
) -> ChainEntry:
    """The entry that follows `previous` (the first one when None), hash included.

    `before` and `after` are stored in their canonical form, exactly what a JSON column
    will give back. The caller must hold a lock on the chain's head so two entries never
    get the same predecessor.
    """
    seq = FIRST_SEQ if previous is None else previous.seq + 1
    prev_hash = GENESIS_HASH if previous is None else previous.hash
    before_value = canonical_value(before)
    after_value = canonical_value(after)
    return ChainEntry(
        seq=seq,
        prev_hash=prev_hash,
        created_at=created_at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before_value,
        after=after_value,
        hash=entry_hash(
            prev_hash=prev_hash,
            seq=seq,
            created_at=created_at,
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            before=before_value,
            after=after_value,
        ),
    )


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of `verify_chain`.

    `checked` counts the entries that verified before the first problem (all of them when
    `ok`); `first_bad_seq` is the sequence number at which the chain first fails to verify
    — for a gap the missing number, for a duplicate or a step backwards the number the
    out-of-place entry carries. An entry edited *with* its hash recomputed shows up at the
    next entry, whose link no longer matches: the chain tells where it breaks, not who
    broke it.
    """

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None


def verify_chain(
    entries: Iterable[ChainEntry], *, checkpoints: Iterable[tuple[int, str]] = ()
) -> VerifyResult:
    """Check `entries` (in seq order, from the first) against each other and `checkpoints`.

    Streams: it holds one entry and the checkpoints at a time, so a server-side cursor over
    millions of rows runs in constant memory. Stops at the first problem.
    """
    expected_hash_at = dict(checkpoints)
    expected_seq = FIRST_SEQ
    expected_prev = GENESIS_HASH
    checked = 0
    for entry in entries:
        if entry.seq > expected_seq:
            return VerifyResult(
                ok=False,
                checked=checked,
                first_bad_seq=expected_seq,
                problem=ENTRY_MISSING.format(seq=expected_seq, found=entry.seq),
            )
        if entry.seq < expected_seq:
            return VerifyResult(
                ok=False,
                checked=checked,
                first_bad_seq=entry.seq,
                problem=ENTRY_OUT_OF_PLACE.format(seq=entry.seq, expected=expected_seq),
            )
        if entry.prev_hash != expected_prev:
            return VerifyResult(
                ok=False,
                checked=checked,
                first_bad_seq=entry.seq,
                problem=LINK_BROKEN.format(seq=entry.seq),
            )
        if entry.computed_hash() != entry.hash:
            return VerifyResult(
                ok=False,
                checked=checked,
                first_bad_seq=entry.seq,
                problem=ENTRY_EDITED.format(seq=entry.seq),
            )
        checkpoint = expected_hash_at.get(entry.seq)
        if checkpoint is not None and checkpoint != entry.hash:
            return VerifyResult(
                ok=False,
                checked=checked,
                first_bad_seq=entry.seq,
                problem=CHECKPOINT_MISMATCH.format(seq=entry.seq),
            )
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    last = expected_seq - 1
    beyond = [seq for seq in expected_hash_at if seq > last]
    if beyond:
        return VerifyResult(
            ok=False,
            checked=checked,
            first_bad_seq=last + 1,
            problem=ENTRIES_TRUNCATED.format(seq=last + 1, checkpoint=max(beyond), last=last),
        )
    return VerifyResult(ok=True, checked=checked)
