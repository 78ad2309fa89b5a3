"""PostgreSQL: the application runs as a role that does not own its tables.

The owner (who runs `migrate`) could lift the audit triggers (ALTER TABLE … DISABLE TRIGGER needs ownership);
the application's role cannot: it gets the data rights it needs and, on the audit tables, only SELECT and
INSERT. Run `lienthong manage grant_app_role ROLE` as the owner after every `migrate` (docs/security.md).
"""
from __future__ import annotations

from psycopg import sql

from .triggers import TABLES as AUDIT_TABLES

POSITIONS_TABLE = "vms_position"  # vms.triggers.TABLE (accounts sits below vms and does not import it)


def grant_statements(role: str) -> list[sql.Composed]:
    r = sql.Identifier(role)
    audit = sql.SQL(", ").join(sql.Identifier(t) for t in AUDIT_TABLES)
    return [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(r),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {}").format(r),
        sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(r),
        sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(audit, r),
        # vessel positions: legal evidence, append-only (vms.triggers); purging those over 36 months is the owner's
        sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(
            sql.Identifier(POSITIONS_TABLE), r),
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(r),
    ]
