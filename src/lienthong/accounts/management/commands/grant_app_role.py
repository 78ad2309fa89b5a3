"""`lienthong manage grant_app_role ROLE`: give the application's PostgreSQL role what it needs, no more
(accounts.dbroles). Run by the tables' owner after `migrate`."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from lienthong.accounts.dbroles import grant_statements


class Command(BaseCommand):
    help = "PostgreSQL: grant the application's role its rights (audit tables: SELECT and INSERT only)."

    def add_arguments(self, parser):
        parser.add_argument("role")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL (SQLite has no roles).")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"role {role!r} does not exist: CREATE ROLE {role} LOGIN PASSWORD '…' first")
            for statement in grant_statements(role):
                cursor.execute(statement)
        self.stdout.write(f"{role}: granted (audit tables: SELECT, INSERT).")
