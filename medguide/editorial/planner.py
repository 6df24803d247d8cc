"""Query planner statistics, refreshed after bulk writes.

PostgreSQL's autovacuum analyses a table once enough of it has changed, in the background;
SQLite keeps no statistics until ANALYZE runs, and without them it guesses. At 20,000
medicines it took the status index (98% of drugs are published) over the case-insensitive
name index for an A–Z letter and read every drug: 38 ms against 2 ms once analysed. So the
commands that write in bulk (imports, the demo, an index rebuild) end by calling this.
https://www.sqlite.org/lang_analyze.html
"""

from django.db import connections

# Rows SQLite samples per index: approximate statistics, in well under a second on a 2 GB file.
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_planner_statistics(using: str = "default") -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
