"""Every workflow move goes on the item's audit trail, shown on its admin pages."""

import pytest

from medguide.editorial.models import Status, WorkflowEvent
from tests.admin_forms import change_url, press
from tests.factories import DrugFactory

pytestmark = pytest.mark.django_db


def test_each_move_writes_an_event_with_who_from_to_and_why(reviewer):
    drug = DrugFactory(status=Status.IN_REVIEW)
    press(reviewer, drug, "send_back", _workflow_comment="Cite the label.")
    event = WorkflowEvent.objects.get()
    assert (event.action, event.from_status, event.to_status) == ("send_back", "review", "draft")
    assert event.actor_name == "Dr Ada Reviewer"
    assert event.comment == "Cite the label."
    assert event.item == drug


def test_the_change_form_and_history_show_the_trail(reviewer):
    drug = DrugFactory(status=Status.IN_REVIEW)
    press(reviewer, drug, "publish")
    for url in [change_url(drug), f"/admin/drugs/drug/{drug.pk}/history/"]:
        page = reviewer.get(url).content.decode()
        assert 'id="audit-trail"' in page
        assert "In review → Published" in page
