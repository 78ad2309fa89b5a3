"""The Vietnamese collation inside the database, for lists sorted there (paginated lists cannot sort in Python).

PostgreSQL: ICU's Vietnamese collation "vi-x-icu", which gives the order of `identity.collation` (a test
holds them to the same order on a tricky list). SQLite has no ICU: `identity.collation.vi_compare` is
registered as the collation "vi" on every new connection.
"""
from __future__ import annotations

from django.db.backends.signals import connection_created
from django.db.models.functions import Collate

from lienthong.identity.collation import vi_compare

SQLITE_NAME = "vi"
POSTGRESQL_NAME = "vi-x-icu"


class ViCollate(Collate):
    """`expression COLLATE <the Vietnamese collation of this backend>`; use in order_by()."""

    def __init__(self, expression):
        super().__init__(expression, SQLITE_NAME)

    def as_postgresql(self, compiler, connection, **extra_context):
        extra_context["collation"] = connection.ops.quote_name(POSTGRESQL_NAME)
        return self.as_sql(compiler, connection, **extra_context)


def register_sqlite_collation(sender=None, connection=None, **kwargs) -> None:
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_NAME, vi_compare)


def connect() -> None:
    """Called from the app config: every SQLite connection opened from now on knows the collation."""
    connection_created.connect(register_sqlite_collation, dispatch_uid="lienthong-vi-collation")
