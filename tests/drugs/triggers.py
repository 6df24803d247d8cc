"""What the tests of kept rows and kept interactions do to the database's triggers and writes."""

from django.db import DatabaseError, connection


def triggers_in_database() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


def drop_trigger(name: str, table: str) -> None:
    """Drop a trigger inside the test's transaction, which puts it back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER {name} ON {table}")
        else:
            cursor.execute(f"DROP TRIGGER {name}")


def refusing_inserts_into(table: str):
    """An execute wrapper (connection.execute_wrapper) under which the database refuses to
    insert into `table`, as a read-only one would."""

    def refuse(execute, sql, params, many, context):
        if table in sql and sql.lstrip().upper().startswith("INSERT"):
            raise DatabaseError("read-only")
        return execute(sql, params, many, context)

    return refuse
