import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create a superuser with a random password, shown once, if there is no superuser yet. "
        "No account with a known password is ever created."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, **options):
        users = get_user_model().objects
        existing = users.filter(is_superuser=True).order_by("pk").first()
        if existing:
            self.stdout.write(
                f"Admin account: {existing.get_username()} (forgotten the password? "
                f"python manage.py changepassword {existing.get_username()})"
            )
            return
        password = secrets.token_urlsafe(16)
        users.create_superuser(options["username"], email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the admin account {options['username']!r} with the password {password} "
                "(shown only now; change it with `python manage.py changepassword`)."
            )
        )
