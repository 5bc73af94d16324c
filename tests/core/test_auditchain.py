"""The audit hash chain: canonical JSON, entry hashes and tamper detection."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import weakref
from collections.abc import Iterator
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhenggai.core.auditchain import (
    CHECKPOINT_MISMATCH,
    CURRENT_HASH_VERSION,
    ENTRIES_TRUNCATED,
    ENTRY_EDITED,
    ENTRY_MISSING,
    ENTRY_OUT_OF_PLACE,
    GENESIS_HASH,
    HASH_V1,
    HASH_V2,
    HASHED_FIELDS,
    LINK_BROKEN,
    SEAL_ACTION,
    SEAL_MISMATCH,
    SEAL_MISSING,
    SEAL_OBJECT_TYPE,
    SEAL_REPR,
    SEALED_FIELDS,
    SYSTEM_ACTOR,
    UNKNOWN_VERSION,
    VERSION_WENT_BACK,
    ChainEntry,
    SealDigest,
    VerifyResult,
    canonical_json,
    canonical_value,
    next_entry,
    seal_entry,
    verify_chain,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2025, 9, 30, 17, 45, 12, 345678, tzinfo=SHANGHAI)


def make_entry(previous: ChainEntry | None, i: int) -> ChainEntry:
    return next_entry(
        previous,
        created_at=START + dt.timedelta(minutes=i),
        actor_id=i % 3 or None,
        actor_repr=f"user:{i % 3}",
        action="measure.state_change",
        object_type="measure",
        object_id=str(100 + i),
        object_repr=f"第{i}项措施",
        before={"state": "in_progress", "deadline": dt.date(2025, 10, 9), "n": i},
        after={"state": "closed", "note": f"第{i}项已整改", "amount": Decimal("12.50")},
    )


def build_chain(n: int) -> list[ChainEntry]:
    entries: list[ChainEntry] = []
    previous = None
    for i in range(n):
        previous = make_entry(previous, i)
        entries.append(previous)
    return entries


CHAIN = build_chain(30)


def rehash(entry: ChainEntry, **changes: object) -> ChainEntry:
    """`entry` with `changes` and a hash recomputed to match, as a careful forger would."""
    changed = dataclasses.replace(entry, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(changed, hash=changed.computed_hash())


def failure(entries, checkpoints=()) -> tuple[int | None, str | None]:
    result = verify_chain(entries, checkpoints=checkpoints)
    assert not result.ok
    return result.first_bad_seq, result.problem


# --- canonical JSON -------------------------------------------------------------------


def test_canonical_json_ignores_dict_order_and_has_no_whitespace():
    a = {"b": 1, "a": {"y": [1, 2], "x": None}, "中": "文"}
    b = {"中": "文", "a": {"x": None, "y": [1, 2]}, "b": 1}
    assert canonical_json(a) == canonical_json(b)
    assert canonical_json(a) == '{"a":{"x":null,"y":[1,2]},"b":1,"中":"文"}'


def test_the_same_instant_in_different_zones_is_the_same_text():
    shanghai = dt.datetime(2025, 10, 1, 8, 0, 0, 5, tzinfo=SHANGHAI)
    utc = dt.datetime(2025, 10, 1, 0, 0, 0, 5, tzinfo=dt.UTC)
    new_york = shanghai.astimezone(ZoneInfo("America/New_York"))
    texts = {canonical_json({"t": t}) for t in (shanghai, utc, new_york)}
    assert texts == {'{"t":"2025-10-01T00:00:00.000005Z"}'}


def test_datetimes_always_carry_six_fractional_digits():
    whole = dt.datetime(2025, 10, 1, 0, 0, tzinfo=dt.UTC)
    assert canonical_json(whole) == '"2025-10-01T00:00:00.000000Z"'


def test_dates_decimals_uuids_and_tuples_have_one_text():
    import uuid

    value = {
        "d": dt.date(2026, 2, 15),
        "m": Decimal("1.10"),
        "u": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "t": (1, "a"),
        "f": False,
    }
    assert canonical_json(value) == (
        '{"d":"2026-02-15","f":false,"m":"1.10",'
        '"t":[1,"a"],"u":"12345678-1234-5678-1234-567812345678"}'
    )


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (1.5, TypeError, "浮点数"),
        ({"x": [0.1]}, TypeError, "浮点数"),
        (dt.datetime(2025, 10, 1, 8, 0), ValueError, "缺少时区"),
        ("a\x00b", ValueError, "NUL"),
        ({1: "a"}, TypeError, "键必须是字符串"),
        ({1, 2}, TypeError, "set"),
        (Decimal("NaN"), ValueError, "非有限"),
    ],
)
def test_values_that_would_not_survive_a_json_column_are_refused(value, error, message):
    with pytest.raises(error, match=message):
        canonical_json(value)


json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text().filter(lambda s: "\x00" not in s),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.datetimes(
        min_value=dt.datetime(1000, 1, 1),
        max_value=dt.datetime(9000, 1, 1),
        timezones=st.sampled_from([dt.UTC, SHANGHAI, ZoneInfo("Europe/Berlin")]),
    ),
)
json_values = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text().filter(lambda s: "\x00" not in s), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_canonical_json_survives_a_json_round_trip(value):
    text = canonical_json(value)
    assert canonical_json(json.loads(text)) == text
    assert json.loads(text) == canonical_value(value)


# --- entry hash -----------------------------------------------------------------------


def test_next_entry_links_to_its_predecessor():
    assert CHAIN[0].hash_version == CURRENT_HASH_VERSION == HASH_V2
    assert CHAIN[0].seq == 1 and CHAIN[0].prev_hash == GENESIS_HASH
    assert CHAIN[1].seq == 2 and CHAIN[1].prev_hash == CHAIN[0].hash
    # Stored values are already what a JSON column gives back.
    assert CHAIN[0].before["deadline"] == "2025-10-09"
    assert CHAIN[0].after["amount"] == "12.50"


# --- verification ---------------------------------------------------------------------


def test_a_built_chain_verifies():
    assert verify_chain(CHAIN) == VerifyResult(ok=True, checked=30)
    assert verify_chain(iter(CHAIN), checkpoints=[(10, CHAIN[9].hash), (30, CHAIN[29].hash)]).ok
    assert verify_chain([]) == VerifyResult(ok=True, checked=0)


def test_a_chain_verifies_after_a_database_round_trip():
    # What a restore gives back: JSON columns re-read, timestamps in UTC.
    restored = [
        dataclasses.replace(
            e,
            before=json.loads(json.dumps(e.before)),
            after=json.loads(json.dumps(e.after)),
            created_at=e.created_at.astimezone(dt.UTC),
        )
        for e in CHAIN
    ]
    assert verify_chain(restored).ok


@pytest.mark.parametrize(
    "change",
    [
        {"before": {"state": "planned"}},
        {"after": {"state": "returned"}},
        {"actor_repr": "user:9"},
        {"actor_id": 9},
        {"action": "measure.delete"},
        {"object_id": "999"},
        {"object_repr": "另一项措施"},
        {"created_at": START},
    ],
)
def test_an_edited_entry_is_named(change):
    entries = list(CHAIN)
    entries[16] = dataclasses.replace(entries[16], **change)
    result = verify_chain(entries)
    assert (result.ok, result.checked, result.first_bad_seq) == (False, 16, 17)
    assert result.problem == "第 17 条审计记录内容被修改（哈希不符）" == ENTRY_EDITED.format(seq=17)


def test_an_entry_edited_with_its_hash_recomputed_breaks_the_next_link():
    entries = list(CHAIN)
    entries[16] = rehash(entries[16], after={"state": "returned"})
    assert failure(entries) == (18, LINK_BROKEN.format(seq=18))


def test_a_deleted_middle_entry_is_named():
    entries = CHAIN[:9] + CHAIN[10:]
    assert failure(entries) == (10, ENTRY_MISSING.format(seq=10, found=11))


def test_a_deleted_entry_with_the_rest_renumbered_breaks_the_link():
    entries = CHAIN[:9] + [dataclasses.replace(e, seq=e.seq - 1) for e in CHAIN[10:]]
    assert failure(entries) == (10, LINK_BROKEN.format(seq=10))


def test_a_deleted_first_entry_is_named():
    assert failure(CHAIN[1:]) == (1, ENTRY_MISSING.format(seq=1, found=2))


def test_a_first_entry_that_does_not_start_from_genesis_is_refused():
    forged = rehash(CHAIN[0], prev_hash="a" * 64)
    assert failure([forged]) == (1, LINK_BROKEN.format(seq=1))


def test_an_inserted_entry_with_a_duplicate_number_is_named():
    forged = rehash(CHAIN[4], object_id="forged")
    entries = [*CHAIN[:5], forged, *CHAIN[5:]]
    assert failure(entries) == (5, ENTRY_OUT_OF_PLACE.format(seq=5, expected=6))


def test_an_inserted_entry_with_the_rest_renumbered_breaks_the_next_link():
    # The forger links the new entry properly and shifts the later ones by one.
    forged = next_entry(
        CHAIN[4],
        created_at=START,
        actor_id=None,
        actor_repr="user:0",
        action="measure.close",
        object_type="measure",
        object_id="forged",
        object_repr="",
        before=None,
        after={"state": "closed"},
    )
    shifted = [dataclasses.replace(e, seq=e.seq + 1) for e in CHAIN[5:]]
    entries = [*CHAIN[:5], forged, *shifted]
    assert failure(entries) == (7, LINK_BROKEN.format(seq=7))


def test_reordered_entries_are_named():
    entries = list(CHAIN)
    entries[11], entries[12] = entries[12], entries[11]
    assert failure(entries) == (12, ENTRY_MISSING.format(seq=12, found=13))


def test_entries_with_swapped_numbers_break_the_link():
    # Rows swapped in place: the order by seq is kept, the content is not.
    entries = list(CHAIN)
    entries[11], entries[12] = (
        dataclasses.replace(CHAIN[12], seq=12),
        dataclasses.replace(CHAIN[11], seq=13),
    )
    assert failure(entries) == (12, LINK_BROKEN.format(seq=12))


def test_deleted_newest_entries_are_caught_only_by_a_checkpoint():
    truncated = CHAIN[:27]
    assert verify_chain(truncated).ok
    checkpoint = (30, CHAIN[29].hash)
    result = verify_chain(truncated, checkpoints=[checkpoint])
    assert (result.ok, result.checked, result.first_bad_seq) == (False, 27, 28)
    assert result.problem == ENTRIES_TRUNCATED.format(seq=28, checkpoint=30, last=27)
    assert result.problem == "第 28 条起的审计记录缺失（检查点记到第 30 条，现存只有 27 条）"


def test_a_rewritten_tail_is_caught_by_a_checkpoint():
    # Everything from 20 on rebuilt with consistent hashes: only a checkpoint can tell.
    rewritten = list(CHAIN[:19])
    previous = rewritten[-1]
    for i in range(19, 30):
        previous = dataclasses.replace(make_entry(previous, i), actor_repr="intruder")
        previous = rehash(previous)
        rewritten.append(previous)
    assert verify_chain(rewritten).ok
    assert failure(rewritten, checkpoints=[(25, CHAIN[24].hash)]) == (
        25,
        CHECKPOINT_MISMATCH.format(seq=25),
    )


def test_it_stops_at_the_first_problem():
    entries = list(CHAIN)
    entries[4] = dataclasses.replace(entries[4], actor_repr="x")
    entries[20] = dataclasses.replace(entries[20], actor_repr="y")
    assert failure(entries)[0] == 5


def test_it_streams_without_keeping_entries_alive():
    # verify_chain must not materialise its input: it will read millions of rows.
    refs: list[weakref.ref[ChainEntry]] = []
    leaked: list[int] = []

    def entries() -> Iterator[ChainEntry]:
        previous = None
        for i in range(500):
            previous = make_entry(previous, i)
            refs.append(weakref.ref(previous))
            # By now the entry two steps back is referenced by no one.
            if i >= 2 and refs[i - 2]() is not None:
                leaked.append(i - 2)
            yield previous

    assert verify_chain(entries()) == VerifyResult(ok=True, checked=500)
    assert leaked == []


# --- hash versions and the seal -------------------------------------------------------


def v1_entry(previous: ChainEntry | None, i: int) -> ChainEntry:
    """An entry as the first release wrote it: hashed under v1."""
    unhashed = dataclasses.replace(make_entry(previous, i), hash="", hash_version=HASH_V1)
    return dataclasses.replace(unhashed, hash=unhashed.computed_hash())


def build_mixed(n_old: int, n_new: int) -> list[ChainEntry]:
    """`n_old` v1 entries, the seal the upgrade appends, then `n_new` v2 entries."""
    entries: list[ChainEntry] = []
    previous = None
    digest = SealDigest()
    for i in range(n_old):
        previous = v1_entry(previous, i)
        digest.add(previous)
        entries.append(previous)
    assert previous is not None
    previous = seal_entry(previous, digest, created_at=START + dt.timedelta(days=1))
    entries.append(previous)
    for i in range(n_new):
        previous = make_entry(previous, n_old + 1 + i)
        entries.append(previous)
    return entries


MIXED = build_mixed(10, 10)  # v1 1–10, the seal 11, v2 12–21
SEAL = MIXED[10]


def test_the_v1_rule_is_the_first_releases():
    # Computed by the first release's `entry_hash` for these values: entries written
    # before the upgrade must keep verifying, and the checkpoints taken of them.
    entry = ChainEntry(
        seq=1,
        prev_hash=GENESIS_HASH,
        created_at=START,
        actor_id=7,
        actor_repr="王建国#7",
        action="measure.close_out_request",
        object_type="ledger.measure",
        object_id="12",
        object_repr="一是压紧压实责任。",
        before={"state": "in_progress"},
        after={"state": "close_requested", "note": "已整改"},
        hash="",
        hash_version=HASH_V1,
    )
    assert entry.computed_hash() == (
        "769ecf0e4377e39140b191e76dabad038c0f6e89c1a5d5c4f19e0c5c8d21837f"
    )


def test_v1_leaves_out_the_actor_id_and_the_object_description():
    # Which is why the v1 entries need the seal.
    entry = MIXED[3]
    for name in SEALED_FIELDS:
        changed = dataclasses.replace(entry, **{name: "另一项" if name == "object_repr" else 99})
        assert changed.computed_hash() == entry.hash, name


def test_v2_hashes_every_attribute_of_an_entry():
    names = {f.name for f in dataclasses.fields(ChainEntry)} - {"hash"}
    assert {name for _, name in HASHED_FIELDS[HASH_V2]} == names
    assert {key for key, _ in HASHED_FIELDS[HASH_V2]} == names  # keys are the column names
    assert set(SEALED_FIELDS) == names - {n for _, n in HASHED_FIELDS[HASH_V1]} - {"hash_version"}


@pytest.mark.parametrize(
    "name", [f.name for f in dataclasses.fields(ChainEntry) if f.name != "hash"]
)
def test_editing_any_attribute_changes_a_v2_hash(name):
    entry = CHAIN[4]
    other = {
        "seq": 99,
        "prev_hash": "f" * 64,
        "created_at": entry.created_at + dt.timedelta(microseconds=1),
        "actor_id": 99,
        "before": {"state": "planned"},
        "after": None,
        "hash_version": HASH_V1,
    }.get(name, "改过")
    assert dataclasses.replace(entry, **{name: other}).computed_hash() != entry.hash


def test_an_unknown_version_is_refused():
    entry = dataclasses.replace(CHAIN[0], hash_version=3)
    with pytest.raises(ValueError, match="哈希版本 3 无法识别"):
        entry.computed_hash()
    assert failure([entry]) == (1, UNKNOWN_VERSION.format(seq=1, version=3))


def test_relabelling_an_entrys_version_is_caught():
    assert failure([dataclasses.replace(CHAIN[0], hash_version=HASH_V1)])[0] == 1
    entries = list(MIXED)
    entries[2] = dataclasses.replace(entries[2], hash_version=HASH_V2)
    assert failure(entries) == (3, ENTRY_EDITED.format(seq=3))


def test_a_mixed_chain_verifies_with_checkpoints_old_and_new():
    assert [e.hash_version for e in MIXED] == [HASH_V1] * 10 + [HASH_V2] * 11
    assert (SEAL.seq, SEAL.action, SEAL.object_type, SEAL.actor_repr) == (
        11,
        SEAL_ACTION,
        SEAL_OBJECT_TYPE,
        SYSTEM_ACTOR,
    )
    assert SEAL.object_repr == SEAL_REPR.format(first=1, last=10)
    assert SEAL.after["through"] == 10
    # A checkpoint taken before the upgrade (entry 7) still matches.
    checkpoints = [(7, MIXED[6].hash), (11, SEAL.hash), (21, MIXED[20].hash)]
    assert verify_chain(MIXED, checkpoints=checkpoints) == VerifyResult(ok=True, checked=21)


def test_the_seal_digest_is_the_sealed_columns_in_order():
    digest = SealDigest()
    for entry in MIXED[:10]:
        digest.add(entry)
    assert SEAL.after == {"through": 10, "digest": digest.hexdigest()}
    reordered = SealDigest()
    for entry in [MIXED[1], MIXED[0], *MIXED[2:10]]:
        reordered.add(entry)
    assert reordered.hexdigest() != digest.hexdigest()


@pytest.mark.parametrize("index", [0, 5, 9])
@pytest.mark.parametrize(("name", "value"), [("object_repr", "改过的措施"), ("actor_id", 42)])
def test_editing_an_old_entrys_uncovered_column_fails_at_the_seal(index, name, value):
    entries = list(MIXED)
    entries[index] = dataclasses.replace(entries[index], **{name: value})
    result = verify_chain(entries)
    assert (result.ok, result.checked, result.first_bad_seq) == (False, 10, 11)
    assert result.problem == SEAL_MISMATCH.format(seq=11, last=10)


def test_a_seal_with_another_digest_is_caught_at_the_seal():
    entries = list(MIXED)
    forged = rehash(SEAL, after={"through": 10, "digest": "0" * 64})
    assert failure([*entries[:10], forged]) == (11, SEAL_MISMATCH.format(seq=11, last=10))


def test_old_entries_must_be_followed_by_their_seal():
    # The seal dropped from the end: the old entries are left unsealed.
    assert failure(MIXED[:10]) == (11, SEAL_MISSING.format(seq=11, last=10))
    # A v2 entry that is not a seal written straight after the old ones.
    plain = make_entry(MIXED[9], 10)
    assert failure([*MIXED[:10], plain]) == (11, SEAL_MISSING.format(seq=11, last=10))


def test_a_chain_never_goes_back_to_v1():
    appended = v1_entry(MIXED[-1], 21)
    assert failure([*MIXED, appended]) == (22, VERSION_WENT_BACK.format(seq=22, version=1))


def test_a_chain_started_under_v2_needs_no_seal():
    assert verify_chain(CHAIN).ok and not any(e.action == SEAL_ACTION for e in CHAIN)


def test_every_checkpoint_of_an_entry_must_match():
    checkpoints = [(5, CHAIN[4].hash), (5, "e" * 64)]
    assert failure(CHAIN, checkpoints=checkpoints) == (5, CHECKPOINT_MISMATCH.format(seq=5))


def test_a_mixed_chain_streams_without_keeping_entries_alive():
    refs: list[weakref.ref[ChainEntry]] = []
    leaked: list[int] = []

    def entries() -> Iterator[ChainEntry]:
        previous = None
        digest = SealDigest()
        for i in range(501):
            if i < 250:
                previous = v1_entry(previous, i)
                digest.add(previous)
            elif i == 250:
                assert previous is not None
                previous = seal_entry(previous, digest, created_at=START + dt.timedelta(days=1))
            else:
                previous = make_entry(previous, i)
            refs.append(weakref.ref(previous))
            if i >= 2 and refs[i - 2]() is not None:
                leaked.append(i - 2)
            yield previous

    assert verify_chain(entries()) == VerifyResult(ok=True, checked=501)
    assert leaked == []
