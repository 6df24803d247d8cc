"""Django's PostgreSQL backend, told how many parameters a statement may carry.

The settings bind parameters on the server (docs/decisions/prepared-statements.md), which
sends each one on its own, and PostgreSQL takes at most 65,535 a statement. Django knows
such a limit for Oracle, and with it splits a bulk_create, a bulk_update, an in_bulk and a
cascade's deletions into statements under it; for PostgreSQL it knows none, because a
client-bound statement has the values written into its text. This backend gives it the
limit as Django's Oracle backend does: 20,000 medicines written at once, 33 columns each,
were 660,000 parameters in one statement."""

from itertools import chain

from django.db.backends.postgresql import base, features, operations
from django.db.models import CompositePrimaryKey


class DatabaseFeatures(features.DatabaseFeatures):
    max_query_params = 2**16 - 1


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs):
        columns = list(
            chain.from_iterable(
                field.fields if isinstance(field, CompositePrimaryKey) else [field]
                for field in fields
            )
        )
        if columns:
            return max(self.connection.features.max_query_params // len(columns), 1)
        return len(objs)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations
