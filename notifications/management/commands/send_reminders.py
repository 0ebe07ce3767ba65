import datetime
import smtplib

from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from notifications.reminders import due, message_for, record_sent


class Command(BaseCommand):
    help = (
        "Write to each owner about their activities not updated since the last annual coordination "
        "meeting, from REMINDER_DAYS days before the next one. Run it daily: it never sends a reminder twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be sent; send nothing.")
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Run as if today were this date (YYYY-MM-DD).",
        )

    def handle(self, *args, dry_run=False, date=None, **options):
        state = due(date or timezone.localdate())
        if state.meeting is None:
            self.stdout.write(
                "No annual coordination meeting is recorded with a date in the future: no reminder."
            )
            return
        if state.days_before is None:
            self.stdout.write(
                f"The next annual coordination meeting is on {state.meeting.date:%Y-%m-%d}; "
                f"reminders start on {state.first_day:%Y-%m-%d}."
            )
            return
        if not state.reminders:
            self.stdout.write("Every reminder due has been sent.")
            return
        if dry_run:
            for reminder in state.reminders:
                numbers = ", ".join(str(activity.number) for activity in reminder.activities)
                self.stdout.write(f"Would remind {reminder.user.email} about activities {numbers}.")
            return
        sent, failed = 0, []
        try:
            with get_connection(fail_silently=False) as connection:
                for reminder in state.reminders:
                    email = message_for(state, reminder)
                    email.connection = connection
                    try:
                        email.send()
                    except smtplib.SMTPRecipientsRefused as error:
                        failed.append(f"{reminder.user.email} ({error.recipients})")
                        continue
                    with transaction.atomic():
                        record_sent(state, reminder)
                    sent += 1
        except (smtplib.SMTPException, OSError) as error:
            raise CommandError(
                f"The mail server failed ({error}); {sent} reminder(s) sent and recorded. "
                "The others were not recorded as sent: the next run tries again."
            ) from error
        self.stdout.write(f"Sent {sent} reminder(s) ({state.days_before} days before {state.meeting}).")
        if failed:
            raise CommandError(
                f"The mail server refused {len(failed)} address(es), not recorded as sent: "
                + "; ".join(failed)
            )
