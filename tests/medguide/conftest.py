"""Content loaded once for a whole search test module, as a reader would meet it."""

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from medguide.search import index as search_index

SEARCH_LABELS = Path(__file__).resolve().parent.parent / "fixtures" / "search" / "labels.json"


@contextmanager
def loaded_once(django_db_blocker, media: Path, command: str, *args) -> Iterator[None]:
    """Run a loading command once and roll it back at the end. Each test still rolls its
    own changes back, to a savepoint inside this transaction."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        call_command(command, *args, verbosity=0, stdout=StringIO())
        search_index.flush()  # what the commit would do, had this transaction one
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="session")
def demo_media(tmp_path_factory) -> Path:
    """The media storage every module's demo draws its guides' pictures into: drawn by the
    first module, reused by the rest, as load_demo reuses pictures already in storage. Tests
    themselves write to their own media folder (media_in_tmp)."""
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker, demo_media):
    with loaded_once(django_db_blocker, demo_media, "load_demo"):
        yield


@pytest.fixture(scope="module")
def labels_once(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with loaded_once(django_db_blocker, media, "import_labels", str(SEARCH_LABELS)):
        yield


@pytest.fixture
def demo(demo_once, db):
    """The demo content (load_demo), loaded once per module."""


@pytest.fixture
def labels(labels_once, db):
    """The search fixture's real FDA labels, imported as production imports them, once per
    module."""
