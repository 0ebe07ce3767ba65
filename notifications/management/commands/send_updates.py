import smtplib

from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError

from notifications.models import Frequency
from notifications.updates import mark_sent, messages_for, pending


class Command(BaseCommand):
    help = (
        "Send the status changes people follow: a message per change to those who chose that "
        "(run it every few minutes), or with --digest the daily digest (run it once a day)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--digest", action="store_true", help="Send the daily digests.")

    def handle(self, *args, digest=False, **options):
        frequency = Frequency.DAILY if digest else Frequency.IMMEDIATE
        sent, failed = 0, []
        try:
            with get_connection(fail_silently=False) as connection:
                for entry in pending(frequency):
                    for email, up_to in messages_for(entry, frequency):
                        email.connection = connection
                        try:
                            email.send()
                        except smtplib.SMTPRecipientsRefused:
                            failed.append(entry.user.email)
                            break
                        mark_sent(entry, up_to)
                        sent += 1
        except (smtplib.SMTPException, OSError) as error:
            raise CommandError(
                f"The mail server failed ({error}); {sent} message(s) sent. "
                "The changes not sent stay pending: the next run sends them."
            ) from error
        self.stdout.write(f"Sent {sent} message(s).")
        if failed:
            raise CommandError(f"The mail server refused: {', '.join(failed)}; their changes stay pending.")
