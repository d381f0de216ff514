"""The notice deadlines as calendar events (.ics, RFC 5545), so that they land in Outlook with a reminder.

One all-day event per contract whose notice matters (an automatic secondary period follows a missed
deadline) and whose deadline is on or after the reference date, with an alarm 30 days before. Written
with the ``icalendar`` library; every text comes from the register and is set as a property value, which
the library escapes (a comma, a semicolon or a line break in a supplier's name stays text).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from ..core.obligations import GIVEN
from ..core.vocabulary import format_amount, format_date
from .overview import Overview

REMINDER_DAYS = 30


def deadline_calendar(ov: Overview, created: dt.datetime | None = None) -> bytes:
    """The .ics file's bytes for the overview's upcoming notice deadlines."""
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//xlkopi//kontrakter//DA")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Opsigelsesfrister")
    stamp = created or dt.datetime.now(dt.timezone.utc)
    for line in ov.by_urgency():
        k, p = line.contract, line.position
        if not k.secondary_months or p.notice_deadline < ov.day or p.status == GIVEN:
            continue
        event = Event()
        # A stable UID: the same contract's deadline updates the same event when the file is imported again.
        uid = hashlib.sha256(f"{k.supplier}\x00{k.number}\x00{k.start}".encode()).hexdigest()[:32]
        event.add("uid", f"{uid}@xlkopi")
        event.add("dtstamp", stamp)
        event.add("dtstart", p.notice_deadline)
        event.add("dtend", p.notice_deadline + dt.timedelta(days=1))
        event.add("summary", f"Sidste frist for opsigelse: {k.number} ({k.supplier})")
        event.add("description", (
            f"Aftale {k.number} med {k.supplier} udløber {format_date(p.primary_end)}. Opsiges den ikke skriftligt "
            f"senest {format_date(p.notice_deadline)}, fortsætter den i en sekundær periode på "
            f"{k.secondary_months} måneder, som koster {format_amount(p.secondary_cost)}."
            + (f" Placering: {k.location}." if k.location else "")))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Opsigelsesfrist om {REMINDER_DAYS} dage: {k.number}")
        alarm.add("trigger", dt.timedelta(days=-REMINDER_DAYS))
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
