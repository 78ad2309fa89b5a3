"""The database's own refusal to rewrite positions (VMS data is legal evidence, kept at least 36 months and never
edited: Decree 41/2026), per backend, as accounts.triggers does for the audit log:
- UPDATE of a position (both backends);
- DELETE of a position younger than 36 months (both; older ones may be purged by the owner's retention job);
- SQLite: INSERT OR REPLACE over an existing row (which deletes it without firing the delete trigger): skipped.
PostgreSQL's TRUNCATE is not the application role's to run (accounts.dbroles revokes it on this table).
"""
from __future__ import annotations

TABLE = "vms_position"
MESSAGE = "vessel positions are append-only"
KEPT_MONTHS = 36


def create_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"""CREATE OR REPLACE FUNCTION vms_position_append_only() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
            f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
               FOR EACH ROW EXECUTE FUNCTION vms_position_append_only();""",
            f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
               FOR EACH ROW WHEN (OLD.time > now() - interval '{KEPT_MONTHS} months')
               EXECUTE FUNCTION vms_position_append_only();""",
        ]
    return [
        f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
           BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
        # Django stores an aware datetime on SQLite as 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC: datetime('now', …)
        # writes the same form, so the text comparison is a time comparison.
        f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
           WHEN OLD.time > datetime('now', '-{KEPT_MONTHS} months')
           BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
        # IGNORE, not ABORT: the same position sent again is skipped (ingest is idempotent, INSERT OR IGNORE), and
        # an INSERT OR REPLACE never gets to delete the stored one.
        f"""CREATE TRIGGER {TABLE}_no_replace BEFORE INSERT ON {TABLE}
           WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE reg_key = NEW.reg_key AND time = NEW.time)
           BEGIN SELECT RAISE(IGNORE); END;""",
    ]


def drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {TABLE}_no_update ON {TABLE};",
                f"DROP TRIGGER IF EXISTS {TABLE}_no_delete ON {TABLE};",
                "DROP FUNCTION IF EXISTS vms_position_append_only();"]
    return [f"DROP TRIGGER IF EXISTS {TABLE}_{kind};" for kind in ("no_update", "no_delete", "no_replace")]
