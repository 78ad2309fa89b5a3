"""PostgreSQL: the application runs as a role that does not own its tables.

The owner (who runs `migrate`) could lift the audit triggers (ALTER TABLE … DISABLE TRIGGER needs ownership);
the application's role cannot: it gets the data rights it needs and, on the audit tables, only SELECT and
INSERT. Run `lienthong manage grant_app_role ROLE` as the owner after every `migrate` (docs/security.md).
"""
from __future__ import annotations

from psycopg import sql

from .triggers import TABLES as AUDIT_TABLES


def grant_statements(role: str) -> list[sql.Composed]:
    r = sql.Identifier(role)
    audit = sql.SQL(", ").join(sql.Identifier(t) for t in AUDIT_TABLES)
    return [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(r),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {}").format(r),
        sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(r),
        sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(audit, r),
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(r),
    ]
