"""No lost edits: of two people saving the same version of an item at once, one wins and the
other is told, because the version is raised by a conditional UPDATE inside the saving
transaction (the row lock makes the second UPDATE wait, then find nothing to update)."""

from __future__ import annotations

from django.db import models, router, transaction
from django.db.transaction import TransactionManagementError

CLAIMED = "_version_claimed"  # set on the instance: its next save() does not raise it again


class EditConflict(Exception):
    """Someone saved the item after `seen_version`: saving now would overwrite their work."""

    def __init__(self, item: models.Model, *, seen_version: int | None):
        self.item = item
        self.seen_version = seen_version
        super().__init__(f"{item._meta.label} {item.pk} changed since version {seen_version}.")


def claim(item: models.Model, *, seen_version: int) -> None:
    """Take the item's next version for this transaction's save, if it is still at
    `seen_version`; otherwise raise EditConflict and leave it untouched. Call it inside the
    transaction that writes the item, before writing: the row stays locked until it ends."""
    model = type(item)
    using = router.db_for_write(model, instance=item)
    if not transaction.get_connection(using).in_atomic_block:
        raise TransactionManagementError("claim() must run inside the saving transaction.")
    updated = model._default_manager.filter(pk=item.pk, version=seen_version).update(
        version=models.F("version") + 1
    )
    if not updated:
        raise EditConflict(item, seen_version=seen_version)
    item.version = seen_version + 1
    setattr(item, CLAIMED, True)
