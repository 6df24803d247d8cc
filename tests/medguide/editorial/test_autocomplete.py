"""The admin's autocomplete fields take any value a forged form sends without a server error:
the form says the choice is not valid, as for any other field."""

import pytest
from django.contrib import admin

from medguide.editorial.autocomplete import SafeAutocompleteMixin
from tests.admin_forms import press
from tests.factories import ArticleFactory, DrugFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("forged", ["[1]", "1; DROP TABLE", "9999999999999999999999", "☃"])
def test_a_forged_many_to_many_value_is_refused_not_a_server_error(admin_client, forged):
    guide = ArticleFactory(related_drugs=[DrugFactory()])
    response = press(admin_client, guide, related_drugs=[forged])
    assert response.status_code == 200  # the form again, with its error
    assert "is not a valid value" in response.content.decode()


@pytest.mark.parametrize("forged", ["[1]", "9999999999999999999999"])
def test_a_forged_foreign_key_value_is_refused_not_a_server_error(admin_client, baclofen, forged):
    response = press(admin_client, baclofen, **{"indications-0-condition": forged})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_every_admin_with_autocomplete_fields_uses_the_safe_widgets():
    unsafe = []
    for model_admin in admin.site._registry.values():
        for each in [model_admin, *model_admin.inlines]:
            if each.autocomplete_fields and not issubclass(
                each if isinstance(each, type) else type(each), SafeAutocompleteMixin
            ):
                unsafe.append(each)
    assert unsafe == []
