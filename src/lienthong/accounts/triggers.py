"""The database's own refusal to rewrite the audit log: the SQL, per backend, in one place.

Used by the migrations that create the triggers (and re-create them after a table rebuild, which drops them
on SQLite) and by the tests that play the table owner lifting them. What each closes:
- UPDATE and DELETE of an event (both backends);
- SQLite: INSERT OR REPLACE / REPLACE over an existing id, which deletes the old row without firing the
  delete trigger (recursive triggers are off), so an insert onto a taken id is refused before it happens;
- PostgreSQL: TRUNCATE of a table that holds events (a statement trigger; an empty table may be truncated).
  ALTER TABLE … DISABLE TRIGGER needs the table's owner, which
  the application's role is not in production (docs/security.md).
"""
from __future__ import annotations

TABLES = ("accounts_auditevent", "accounts_auditseal")
MESSAGE = "audit log is append-only"


def create_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        statements = [
            f"""CREATE OR REPLACE FUNCTION accounts_auditevent_append_only() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
            # TRUNCATE of a table that holds events is refused; of an empty one it changes nothing and is let
            # through (a test database's flush truncates every table).
            f"""CREATE OR REPLACE FUNCTION accounts_audit_no_truncate() RETURNS trigger AS $$
               DECLARE nonempty boolean;
               BEGIN
                 EXECUTE 'SELECT EXISTS (SELECT 1 FROM ' || quote_ident(TG_TABLE_SCHEMA) || '.'
                         || quote_ident(TG_TABLE_NAME) || ')' INTO nonempty;
                 IF nonempty THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
                 RETURN NULL;
               END; $$ LANGUAGE plpgsql;""",
        ]
        for table in TABLES:
            statements += [
                f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
                   FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_append_only();""",
                f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                   FOR EACH STATEMENT EXECUTE FUNCTION accounts_audit_no_truncate();""",
            ]
        return statements
    statements = []
    for table in TABLES:
        statements += [
            f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
               BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
            f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
               BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
            f"""CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
               WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)
               BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
        ]
    return statements


def drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        statements = []
        for table in TABLES:
            statements += [f"DROP TRIGGER IF EXISTS {table}_no_change ON {table};",
                           f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};"]
        return statements + ["DROP FUNCTION IF EXISTS accounts_auditevent_append_only();",
                              "DROP FUNCTION IF EXISTS accounts_audit_no_truncate();"]
    statements = []
    for table in TABLES:
        statements += [f"DROP TRIGGER IF EXISTS {table}_{kind};" for kind in ("no_update", "no_delete", "no_replace")]
    return statements
