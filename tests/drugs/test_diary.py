"""The printable medication diary (/drugs/<slug>/diary/) and the titration chart."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from drugs.models import KeptRows, Population
from tests.factories import DoseGuidelineFactory, DrugFactory, SideEffectFactory

pytestmark = pytest.mark.django_db

DIARY_QUERIES = 3  # the drug, its dose guidelines, its side effects


def diary_url(drug, **query) -> str:
    url = reverse("drugs:diary", kwargs={"slug": drug.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_diary_lists_the_titration_days_with_their_doses(client, baclofen):
    response = client.get(diary_url(baclofen))
    assert response.status_code == 200
    page = response.content.decode()
    for day in range(1, 13):
        assert f">Day {day}</th>" in page
    assert ">Day 13</th>" not in page
    rows = re.findall(r'class="diary-table__to-take">([^<]*)</td>', page)
    assert rows == ["5 mg"] * 9 + ["10 mg"] * 9 + ["15 mg"] * 9 + ["20 mg"] * 9


def test_diary_has_columns_to_write_in_and_the_seed_advice(client, baclofen):
    text = text_of(client.get(diary_url(baclofen)))
    for column in ("Day", "Date", "Dose to take", "Time taken", "Dose taken"):
        assert column in text
    assert "Symptoms or side effects" in text
    assert "Note the dose, the time and any new symptoms." in text
    assert "Never take more than 80 mg a day." in text


def test_diary_repeats_the_serious_side_effects(client, baclofen):
    assert "Seizures" in text_of(client.get(diary_url(baclofen)))


def test_start_date_fills_in_real_dates(client, baclofen):
    start = timezone.localdate() + timedelta(days=3)
    page = client.get(diary_url(baclofen, start=start.isoformat())).content.decode()
    assert f'<time datetime="{start.isoformat()}">' in page
    last = start + timedelta(days=11)
    assert f'<time datetime="{last.isoformat()}">' in page


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("yesterday", "Enter the first day as a date, for example 2025-03-01."),
        ("2025-02-30", "Enter the first day as a date, for example 2025-03-01."),
        ("9999-12-31", "Choose a first day within a year of today."),
        ("%00", "Enter the first day as a date, for example 2025-03-01."),
    ],
)
def test_bad_start_date_is_a_friendly_message(client, baclofen, start, message):
    response = client.get(diary_url(baclofen, start=start))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page
    assert "<time datetime=" not in page
    assert ">Day 12</th>" in page  # the diary itself is still there, without dates


def test_diary_without_titration_is_a_plain_daily_table(client):
    drug = DrugFactory()
    DoseGuidelineFactory(drug=drug, start_amount=10, times_per_day=2)
    response = client.get(diary_url(drug))
    assert response.status_code == 200
    page = response.content.decode()
    assert ">Day 14</th>" in page
    assert page.count(">1 of 2</td>") == 14
    assert "We have no day-by-day schedule" in page
    assert re.findall(r'class="diary-table__to-take">([^<]*)</td>', page) == [""] * 28


def test_diary_for_a_drug_without_doses_still_works(client):
    response = client.get(diary_url(DrugFactory()))
    assert response.status_code == 200
    assert response.content.decode().count(">1 of 1</td>") == 14


def test_draft_has_no_diary(client, draft_drug):
    assert client.get(diary_url(draft_drug)).status_code == 404


def test_unknown_drug_has_no_diary(client, db):
    assert client.get("/drugs/no-such-drug/diary/").status_code == 404


def test_diary_queries_do_not_grow_with_content(client, baclofen, django_assert_max_num_queries):
    for n in range(5):
        DoseGuidelineFactory(drug=baclofen, start_amount=5, times_per_day=4, order=10 + n)
    SideEffectFactory.create_batch(30, drug=baclofen)
    with django_assert_max_num_queries(DIARY_QUERIES):
        response = client.get(diary_url(baclofen, start=timezone.localdate().isoformat()))
    assert response.status_code == 200


# The titration chart on the drug page ---------------------------------------------------------


def test_drug_page_draws_the_titration_chart_with_a_table(client, baclofen):
    page = client.get(baclofen.get_absolute_url()).content.decode()
    assert '<svg class="titration-chart__svg"' in page
    assert 'role="img"' in page
    assert "Days 10–12: 20 mg three times a day, 60 mg a day." in page
    assert "Maximum 80 mg a day" in page
    assert '<th scope="row">Days 7–9</th>' in page
    assert f"{diary_url(baclofen)}?dose=" in page


def test_drug_without_titration_has_no_chart(client):
    drug = DrugFactory()
    DoseGuidelineFactory(drug=drug, start_amount=10, times_per_day=2)
    page = client.get(drug.get_absolute_url()).content.decode()
    assert "titration-chart" not in page
    assert diary_url(drug) not in page


def test_drug_page_queries_do_not_grow_with_schedules(client, baclofen):
    url = baclofen.get_absolute_url()
    client.get(url)  # its interactions kept; its rows, read afresh in both, are counted
    KeptRows.objects.all().delete()
    with CaptureQueriesContext(connection) as one_schedule:
        client.get(url)
    for n in range(6):
        DoseGuidelineFactory(
            drug=baclofen,
            start_amount=1,
            times_per_day=1,
            step_amount=1,
            step_interval_days=2,
            target_amount=10,
            order=10 + n,
        )
    with CaptureQueriesContext(connection) as seven_schedules:
        response = client.get(url)
    assert response.content.decode().count('<svg class="titration-chart__svg"') == 7
    assert len(seven_schedules) == len(one_schedule)


def test_each_schedule_links_to_its_own_diary(client, baclofen):
    child = DoseGuidelineFactory(
        drug=baclofen,
        population=Population.CHILD,
        start_amount=Decimal("2.5"),
        times_per_day=2,
        step_amount=Decimal("2.5"),
        step_interval_days=7,
        target_amount=Decimal(5),
        order=5,
    )
    page = client.get(baclofen.get_absolute_url()).content.decode()
    assert f"{diary_url(baclofen)}?dose={child.pk}" in page

    diary = client.get(diary_url(baclofen, dose=child.pk)).content.decode()
    assert re.findall(r'class="diary-table__to-take">([^<]*)</td>', diary) == (
        ["2.5 mg"] * 14 + ["5 mg"] * 14
    )
    assert f'name="dose" value="{child.pk}"' in diary


@pytest.mark.parametrize("dose", ["0", "abc", "999999"])
def test_unknown_dose_falls_back_to_the_first_schedule(client, baclofen, dose):
    response = client.get(diary_url(baclofen, dose=dose))
    assert response.status_code == 200
    assert ">Day 12</th>" in response.content.decode()
