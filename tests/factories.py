"""factory_boy factories for drugs and guides: each builds a valid row with the least data."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from articles.models import Article, Author, Category, CuratedGuide
from drugs.models import (
    Condition,
    DosageForm,
    DoseGuideline,
    Drug,
    DrugClass,
    DrugName,
    Formulation,
    Indication,
    Interaction,
    NameKind,
    Reference,
    Severity,
    SideEffect,
    Strength,
    Substance,
    Unit,
)
from medguide.editorial.models import Status


class DrugClassFactory(DjangoModelFactory):
    class Meta:
        model = DrugClass

    name = factory.Sequence(lambda n: f"Drug class {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    parent = None


class ConditionFactory(DjangoModelFactory):
    class Meta:
        model = Condition

    name = factory.Sequence(lambda n: f"Condition {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class SubstanceFactory(DjangoModelFactory):
    class Meta:
        model = Substance

    name = factory.Sequence(lambda n: f"Substance {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class DrugFactory(DjangoModelFactory):
    class Meta:
        model = Drug
        skip_postgeneration_save = True

    generic_name = factory.Sequence(lambda n: f"Examplazole {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.generic_name))
    status = Status.PUBLISHED
    summary = factory.LazyAttribute(lambda o: f"{o.generic_name} is a medicine used in tests.")

    @factory.post_generation
    def classes(self, create, extracted, **kwargs):
        if create and extracted:
            self.classes.set(extracted)


class DrugNameFactory(DjangoModelFactory):
    class Meta:
        model = DrugName

    drug = factory.SubFactory(DrugFactory)
    name = factory.Sequence(lambda n: f"Brandex {n}")
    kind = NameKind.BRAND


class IndicationFactory(DjangoModelFactory):
    class Meta:
        model = Indication

    drug = factory.SubFactory(DrugFactory)
    condition = factory.SubFactory(ConditionFactory)


class DoseGuidelineFactory(DjangoModelFactory):
    """A plain adult dose: 5 mg three times a day."""

    class Meta:
        model = DoseGuideline

    drug = factory.SubFactory(DrugFactory)
    unit = Unit.MG
    start_amount = Decimal("5")
    times_per_day = 3


class FormulationFactory(DjangoModelFactory):
    class Meta:
        model = Formulation

    drug = factory.SubFactory(DrugFactory)
    dosage_form = DosageForm.TABLET


class StrengthFactory(DjangoModelFactory):
    class Meta:
        model = Strength

    formulation = factory.SubFactory(FormulationFactory)
    amount = Decimal("10")
    unit = Unit.MG


class SideEffectFactory(DjangoModelFactory):
    class Meta:
        model = SideEffect

    drug = factory.SubFactory(DrugFactory)
    name = factory.Sequence(lambda n: f"Side effect {n}")


class InteractionFactory(DjangoModelFactory):
    """With another new drug, unless an interactant class or substance is given."""

    class Meta:
        model = Interaction

    class Params:
        with_drug = factory.LazyAttribute(
            lambda o: o.interactant_class is None and o.interactant_substance is None
        )

    drug = factory.SubFactory(DrugFactory)
    interactant_class = None
    interactant_substance = None
    interactant_drug = factory.Maybe("with_drug", factory.SubFactory(DrugFactory), None)
    severity = Severity.MODERATE
    effect = factory.Sequence(lambda n: f"Effect {n}: more drowsiness.")
    advice = "Ask your doctor before taking them together."


class ReferenceFactory(DjangoModelFactory):
    class Meta:
        model = Reference

    drug = factory.SubFactory(DrugFactory)
    title = factory.Sequence(lambda n: f"Prescribing information {n}")
    publisher = "U.S. Food and Drug Administration"
    url = factory.Sequence(lambda n: f"https://example.org/labels/{n}")


class AuthorFactory(DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Alex Writer {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    credentials = "PharmD"
    bio = "Writes plain-language medicine guides."


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ArticleFactory(DjangoModelFactory):
    """A published guide, live since a minute ago; `tags=[...]` and `related_drugs=[...]`
    set the many-to-many fields after creation."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Living with muscle stiffness, part {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = factory.LazyAttribute(lambda o: f"What to know about {o.title.lower()}.")
    body = "## What it is\n\nA short guide.\n\n## What to do\n\nAsk your pharmacist."
    author = factory.SubFactory(AuthorFactory)
    category = factory.SubFactory(CategoryFactory)
    status = Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)

    @factory.post_generation
    def related_drugs(self, create, extracted, **kwargs):
        if create and extracted:
            self.related_drugs.set(extracted)


class CuratedGuideFactory(DjangoModelFactory):
    class Meta:
        model = CuratedGuide

    drug = factory.SubFactory(DrugFactory)
    article = factory.SubFactory(ArticleFactory)
    order = factory.Sequence(lambda n: n)
