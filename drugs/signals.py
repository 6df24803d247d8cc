"""Signals the drug catalogue sends when bulk work changes what readers see.

Bulk writes (bulk_create, update(), through-table rows) send no model signals, so importers
say what they changed here, once per batch; search and the caches listen.
"""

from django.dispatch import Signal

# Sent with drug_ids: the drugs whose names, classes, products or interactions an import or
# a taxonomy change rewrote in bulk.
catalogue_changed = Signal()

# Sent when an import run ends, with no arguments: listeners bring what they derive from the
# catalogue (the search index) up to date with it, whatever a run killed earlier left undone.
catalogue_imported = Signal()
