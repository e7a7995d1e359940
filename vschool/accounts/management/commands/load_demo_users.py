"""One demo account per role, for trying the service. Never run against production data."""

from django.conf import settings
from django.core.management.base import BaseCommand

from vschool.accounts.demo import DEMO_PASSWORD, demo_users_ensure


class Command(BaseCommand):
    help = "Create (or reset) one demo user per role and print their sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD)
        parser.add_argument("--url", help="where the service will be served, to print")

    def handle(self, *args, password: str, url: str | None, **options):
        users = demo_users_ensure(password=password)
        if url:
            self.stdout.write(f"\n{settings.SERVICE_NAME}: {url}\n")
        self.stdout.write(f"Demo sign-ins (password for all: {password}):")
        for user in users:
            self.stdout.write(f"  {user.get_role_display():<28} {user.email}")
