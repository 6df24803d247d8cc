"""The monograph's key facts: the one warning they lead with, quoted from the editors' sourced
boxed warning or warnings, and the rows that send readers to the full sections."""

import pytest

from drugs.models import Seriousness
from drugs.monograph import key_warning
from tests.factories import DrugFactory, SideEffectFactory


@pytest.mark.parametrize(
    ("boxed", "warnings", "expected", "anchor"),
    [
        # The boxed warning wins, its opening sentences quoted as written.
        (
            "Do not stop it suddenly. Stopping it has caused high fever and confusion.\n\nMore.",
            "Drowsiness. It can make you sleepy.",
            "Do not stop it suddenly. Stopping it has caused high fever and confusion.",
            "boxed-warning",
        ),
        # A heading-like first sentence takes the next one with it.
        (
            "",
            "Low blood pressure. It can lower blood pressure, and people have fainted.\n\nNext.",
            "Low blood pressure. It can lower blood pressure, and people have fainted.",
            "warnings",
        ),
        # A long first sentence stands alone.
        (
            "Taking it with an opioid can cause deep sedation, slowed breathing, coma and death. "
            "They are prescribed together only when nothing else will do.",
            "",
            "Taking it with an opioid can cause deep sedation, slowed breathing, coma and death.",
            "boxed-warning",
        ),
    ],
)
def test_the_key_warning_quotes_the_opening_of_the_strongest_warning(
    boxed, warnings, expected, anchor
):
    found = key_warning(DrugFactory.build(boxed_warning=boxed, warnings=warnings))
    assert (found.text, found.anchor, found.is_boxed) == (
        expected,
        anchor,
        anchor == "boxed-warning",
    )


def test_no_warning_written_means_no_key_warning():
    assert key_warning(DrugFactory.build(boxed_warning="", warnings="  \n")) is None


@pytest.mark.django_db
def test_the_key_facts_lead_with_the_warning_and_when_to_get_help(client, baclofen):
    baclofen.boxed_warning = "Do not stop intrathecal baclofen suddenly. It can be deadly."
    baclofen.save()
    SideEffectFactory(drug=baclofen, name="Fainting", seriousness=Seriousness.SERIOUS)
    page = client.get(baclofen.get_absolute_url()).content.decode()
    facts = page[page.index('class="key-facts"') : page.index("</aside>")]
    assert "Boxed warning:</strong> Do not stop intrathecal baclofen suddenly." in facts
    assert 'href="#boxed-warning"' in facts
    assert "Get medical help now for" in facts
    assert "Seizures; Fainting" in facts or "Fainting; Seizures" in facts
    assert "call your local emergency number" in facts
    assert 'href="#side-effects"' in facts
    # Said once on the page, in the footer, not again above the sections.
    assert page.count("does not replace advice from a doctor") == 1
