"""Check that PostgreSQL and Redis are reachable and create the database if it is missing.

Run by `make run` and `make test` before anything else, so a stopped service is reported in
plain words with how to start it, not as a stack trace.
"""

import psycopg2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg2 import sql

from vschool import health

START_POSTGRES = "sudo pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
START_REDIS = "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no"


class Command(BaseCommand):
    help = "Check PostgreSQL and Redis, and create the database if it does not exist."

    def handle(self, *args, **options):
        problems = [p for p in (self._postgres(), self._redis()) if p]
        if problems:
            raise CommandError("\n\n".join(problems))
        self.stdout.write("PostgreSQL and Redis are reachable.")

    def _postgres(self) -> str | None:
        db = settings.DATABASES["default"]
        where = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
        params = {
            "host": db["HOST"],
            "port": db["PORT"],
            "user": db["USER"],
            "password": db["PASSWORD"],
            "connect_timeout": 3,
        }
        try:
            connection = psycopg2.connect(dbname="postgres", **params)
        except psycopg2.OperationalError as error:
            return (
                f"PostgreSQL is not reachable at {where} as user {db['USER']!r}: "
                f"{str(error).strip()}\nStart it with:\n  {START_POSTGRES}\n"
                "or point DATABASE_URL at a running server."
            )
        # CREATE DATABASE cannot run in a transaction, and psycopg2's `with connection` opens
        # one even in autocommit mode, so only the cursor is a context manager here.
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
                self.stdout.write(f"Created the database {db['NAME']!r}.")
        connection.close()
        return None

    def _redis(self) -> str | None:
        problem = health.redis_status()
        if problem:
            return (
                f"{problem} (REDIS_URL is {settings.REDIS_URL}).\nStart it with:\n"
                f"  {START_REDIS}\nor point REDIS_URL at a running server."
            )
        return None
