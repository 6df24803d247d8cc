import sys

import pytest

from medguide.editorial.paging import OpenEndedPaginator


class Rows:
    """A list read as OpenEndedPaginator reads one (slices with a stop, and count()), noting
    how often it was counted."""

    def __init__(self, size: int):
        self.items = list(range(1, size + 1))
        self.counted = 0

    def __getitem__(self, index: slice) -> list[int]:
        assert isinstance(index, slice)
        assert index.stop is not None
        return self.items[index]

    def count(self) -> int:
        self.counted += 1
        return len(self.items)


def page_of(size: int, number: int, *, per_page: int = 10):
    rows = Rows(size)
    return OpenEndedPaginator(rows, per_page).nearest_page(number), rows


def test_a_page_knows_its_neighbours_without_counting():
    page, rows = page_of(100, 1)
    assert list(page) == list(range(1, 11))
    assert (page.start_index(), page.end_index()) == (1, 10)
    assert page.has_next()
    assert not page.has_previous()
    assert page.page_range() == [1, 2, 3, OpenEndedPaginator.ELLIPSIS]
    assert rows.counted == 0


def test_a_middle_page_links_the_first_its_previous_and_the_next_two():
    page, rows = page_of(100, 5)
    assert list(page) == list(range(41, 51))
    assert page.previous_page_number() == 4
    assert page.next_page_number() == 6
    gap = OpenEndedPaginator.ELLIPSIS
    assert page.page_range() == [1, gap, 4, 5, 6, 7, gap]
    assert rows.counted == 0


def test_near_the_end_there_is_no_gap_after():
    page, _rows = page_of(95, 9)  # pages 9 and 10 remain
    assert page.page_range() == [1, OpenEndedPaginator.ELLIPSIS, 8, 9, 10]
    last, _rows = page_of(95, 10)
    assert list(last) == list(range(91, 96))
    assert not last.has_next()
    assert last.has_other_pages()
    assert (last.start_index(), last.end_index()) == (91, 95)


def test_exactly_full_pages_end_without_an_empty_one():
    page, _rows = page_of(30, 2)
    assert page.page_range() == [1, 2, 3]
    last, _rows = page_of(30, 3)
    assert not last.has_next()


@pytest.mark.parametrize(("number", "shown"), [(7, 4), (99_999, 4), (sys.maxsize, 4)])
def test_a_page_past_the_end_is_counted_once_and_shows_the_last(number, shown):
    page, rows = page_of(35, number)
    assert page.number == shown
    assert list(page) == [31, 32, 33, 34, 35]
    assert rows.counted == 1


def test_an_empty_list_has_one_empty_page():
    page, rows = page_of(0, 3)
    assert page.number == 1
    assert list(page) == []
    assert not page.has_other_pages()
    assert (page.start_index(), page.end_index()) == (0, 0)
    assert rows.counted == 1


def test_one_page_has_no_links():
    page, _rows = page_of(4, 1)
    assert not page.has_other_pages()
    assert page.page_range() == [1]
