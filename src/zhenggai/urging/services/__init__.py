"""Urging (督办): reminders, the escalation ladder, notices, digests and the nightly snapshot.

`remind_run(today=…)` is the daily cycle that `zhenggai remind` runs or enqueues
(django-tasks schedules nothing itself; cron or a timer runs the command, DESIGN.md §8):

1. **Before the deadline** the responsible person is reminded at each threshold of
   `ZHENGGAI_REMIND_BEFORE_WORKING_DAYS` (default 5 and 1 working days left). The reminder
   for a threshold goes out on the first run at or below it, so a missed cron day delays a
   reminder instead of losing it.
2. **After the deadline** the ladder climbs one step per `ZHENGGAI_ESCALATION_WORKING_DAYS`
   (default 5) working days overdue: 0 responsible person → 1 responsible leader → 2 the
   unit's principal (Organisation.principal) → 3 the office (users with the office role
   for the inspection). Each step is sent once and issues the matching formal notice
   (督办通知书 → 提醒书 → 告诫书 → 问责书), numbered per inspection and year, stored as DOCX.
   A step whose recipient is missing (no person, or one with neither account nor e-mail)
   goes to the next one up, so an overdue item never goes unurged silently.
3. A **daily digest** per recipient lists everything overdue or due soon that concerns them.
4. The **snapshot** of the figures per inspection × unit × aspect × signal, with the audit
   chain head copied into it, and an audit checkpoint.

Every reminder is a `Reminder` row whose `dedupe_key` is unique: running the cycle twice a
day sends nothing twice (the key holds the deadline, so an approved extension re-arms the
reminders). Mail leaves on commit, never from inside a transaction that might roll back:
through a task for the worker, or from this process under `zhenggai remind --inline`.
Working days come from `workdays.selectors.workday_calendar`, the one calendar every caller
uses: the holiday table's confirmed years, and the one rule of core/workdays.py for the
others (the reference arrangement, else Monday to Friday), which the message then names.

Only assignments and measures without assignments in a working state (planned, in
progress, returned) are urged: a requested close-out waits for the office, not the unit.

The modules, one purpose each: `thresholds` (settings and the ladder's shape), `recipients` (targets and who is urged), `events` (what is owed today),
`delivery` (Reminder rows; the message itself through the notifications app), `notices` (formal notices), `digest`,
`snapshot` and `cycle` (`remind_run`). This package re-exports the public names.
"""

from zhenggai.accounts.permissions import role_holders
from zhenggai.urging.services.cycle import (
    BEFORE_BODY,
    BEFORE_SUBJECT,
    ESCALATION_BODY,
    ESCALATION_SUBJECT,
    NO_ISSUER,
    NO_RECIPIENT,
    NOTICE_ISSUED,
    RemindResult,
    remind_run,
)
from zhenggai.urging.services.digest import (
    DIGEST_HEAD,
    DIGEST_LINE_DUE,
    DIGEST_LINE_OVERDUE,
    DIGEST_SUBJECT,
)
from zhenggai.urging.services.events import Event
from zhenggai.urging.services.notices import (
    ISSUING_BODY,
    NOTICE_NEEDS_DEADLINE,
    urging_notice_issue,
)
from zhenggai.urging.services.recipients import Recipient, Target
from zhenggai.urging.services.snapshot import snapshot_take
from zhenggai.urging.services.thresholds import (
    LEVEL_FOR_STEP,
    TOP_STEP,
    URGED_STATES,
    escalation_working_days,
    notice_number_prefix,
    remind_before_working_days,
)

__all__ = [
    "BEFORE_BODY",
    "BEFORE_SUBJECT",
    "DIGEST_HEAD",
    "DIGEST_LINE_DUE",
    "DIGEST_LINE_OVERDUE",
    "DIGEST_SUBJECT",
    "ESCALATION_BODY",
    "ESCALATION_SUBJECT",
    "ISSUING_BODY",
    "LEVEL_FOR_STEP",
    "NOTICE_ISSUED",
    "NOTICE_NEEDS_DEADLINE",
    "NO_ISSUER",
    "NO_RECIPIENT",
    "TOP_STEP",
    "URGED_STATES",
    "Event",
    "Recipient",
    "RemindResult",
    "Target",
    "escalation_working_days",
    "notice_number_prefix",
    "remind_before_working_days",
    "remind_run",
    "role_holders",
    "snapshot_take",
    "urging_notice_issue",
]
