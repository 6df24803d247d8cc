"""Create (or reset) the local admin account with a freshly generated password and print it."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.urls import reverse


class Command(BaseCommand):
    help = "Create or reset a superuser with a generated password, and print the credentials."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="admin@example.org")

    def handle(self, *args, username, email, **options):
        password = secrets.token_urlsafe(12)
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": email}
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        action = "Created" if created else "Reset the password of"
        self.stdout.write(
            self.style.SUCCESS(
                f"{action} the admin account.\n"
                f"  Sign in at {reverse('admin:index')} on the running site.\n"
                f"  Username: {username}\n"
                f"  Password: {password}\n"
                "  (a new password is generated each time this command runs)"
            )
        )
