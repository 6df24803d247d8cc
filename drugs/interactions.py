"""Interaction rules: which interactions apply to a drug, seen from that drug's side.

An interaction is stored once, from one drug's point of view, but a reader of either drug must
see it; an interaction with a drug class applies to every drug in the class and in its
subclasses (Benzodiazepines sit inside CNS depressants).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from drugs.models import Drug, DrugClass, Interaction, Severity


class InteractionFacts:
    """What a reader is told about an interaction row, for classes that hold one as
    `interaction`: how severe it is, what happens and what to do."""

    interaction: Interaction

    @property
    def severity(self) -> str:
        return self.interaction.severity

    @property
    def severity_label(self) -> str:
        return self.interaction.get_severity_display()

    @property
    def effect(self) -> str:
        return self.interaction.effect

    @property
    def advice(self) -> str:
        return self.interaction.advice


@dataclass(frozen=True)
class InteractionEntry(InteractionFacts):
    """One interaction as a reader of `subject` sees it."""

    interaction: Interaction
    other_name: str
    other_url: str | None
    via_class: DrugClass | None  # set when it applies through the subject's class

    @property
    def kind(self) -> str:
        if self.interaction.interactant_substance_id:
            return "substance"
        if self.interaction.interactant_class_id and self.via_class is None:
            return "class"
        return "drug"


def class_ancestors(class_ids: Iterable[int], parents: dict[int, int | None]) -> dict[int, int]:
    """Map every class id that contains one of `class_ids` (themselves included) to the
    member class it was reached from."""
    reached: dict[int, int] = {}
    for start in class_ids:
        current: int | None = start
        while current is not None and current not in reached:
            reached[current] = start
            current = parents.get(current)
    return reached


def interactions_concerning(drug: Drug):
    """Interaction rows that concern `drug` from either side, and the drug's class lineage
    (a map from every class containing the drug to the drug's own class it was reached from)."""
    parents = dict(DrugClass.objects.values_list("pk", "parent_id"))
    lineage = class_ancestors([c.pk for c in drug.classes.all()], parents)
    rows = Interaction.objects.filter(
        Q(drug=drug) | Q(interactant_drug=drug) | Q(interactant_class__in=list(lineage))
    ).select_related("drug", "interactant_drug", "interactant_class", "interactant_substance")
    return rows, lineage


def interactions_for(drug: Drug) -> list[InteractionEntry]:
    """Every published interaction that concerns `drug`, most severe first. Three queries."""
    own_classes = {c.pk: c for c in drug.classes.all()}
    rows, lineage = interactions_concerning(drug)
    entries = []
    for row in rows:
        if row.drug_id == drug.pk:
            other, via = row.interactant, None
        else:
            other = row.drug
            via = own_classes.get(lineage.get(row.interactant_class_id))
        if isinstance(other, Drug) and not other.is_live:
            continue  # unpublished drugs stay invisible, even by name
        url = other.get_absolute_url() if hasattr(other, "get_absolute_url") else None
        entries.append(
            InteractionEntry(interaction=row, other_name=str(other), other_url=url, via_class=via)
        )
    entries.sort(key=lambda e: (Severity.rank(e.severity), e.other_name.lower()))
    return entries
