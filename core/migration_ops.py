"""Database-side rules shared by several tables, as migration operations."""

from __future__ import annotations

from django.db import migrations

REGISTER_PUBLIC_ID_FUNCTION = """
CREATE OR REPLACE FUNCTION core_register_public_id() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.public_id IS DISTINCT FROM OLD.public_id THEN
            RAISE EXCEPTION 'public_id of % cannot change (% -> %)', TG_TABLE_NAME,
                OLD.public_id, NEW.public_id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    -- A unique violation here means the id was issued before, possibly to a deleted record.
    INSERT INTO core_issuedpublicid (value, issued_at) VALUES (NEW.public_id, now());
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def register_public_ids(table: str) -> migrations.RunSQL:
    """Record every public id of `table` in the registry and forbid changing it afterwards."""
    trigger = f"{table}_register_public_id"
    return migrations.RunSQL(
        sql=f"""
            CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE OF public_id ON {table}
            FOR EACH ROW EXECUTE FUNCTION core_register_public_id();
        """,
        reverse_sql=f"DROP TRIGGER IF EXISTS {trigger} ON {table};",
    )
