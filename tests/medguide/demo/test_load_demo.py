"""`load_demo` run again changes nothing, in the database or in media storage, and a mistake in
a content file of medguide/demo/content/ loads nothing and says where it is. What it loads is
read in test_content.py."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db.models import F

from articles.models import Article
from drugs.models import Drug, DrugClass, Interaction
from medguide.demo import loader
from medguide.demo.specs import CONTENT_DIR, DemoContentError
from tests.medguide.demo.seed import GUIDES, SEED_TITLE

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def shared_media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(autouse=True)
def media(settings, shared_media) -> Path:
    """The demo draws its guides' pictures into media storage: keep them out of the repo.

    Shared by the module's tests, as a reloaded database shares a server's media: after the
    first test, each run finds the pictures already there, which keeps the suite quick.
    """
    settings.MEDIA_ROOT = shared_media
    return shared_media


@pytest.fixture
def empty_media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def snapshot() -> dict[str, list[dict]]:
    """Every row of every drugs, articles and tags table (many-to-many tables included),
    primary keys and timestamps and all."""
    return {
        model._meta.db_table: list(model.objects.order_by("pk").values())
        for label in ["drugs", "articles", "taggit"]
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def media_files(root: Path) -> dict[str, tuple[int, int]]:
    """Each stored file, by path, with its size and modification time."""
    return {
        str(path.relative_to(root)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in root.rglob("*")
        if path.is_file()
    }


def test_loading_twice_changes_nothing():
    load_demo()
    before = snapshot()
    load_demo()
    assert snapshot() == before
    # Label sources come from the FDA label import, US products from Drugs@FDA, reader reports
    # from readers, a monograph's kept rows and interactions from its first reader
    # (drugs.kept_rows, drugs.kept_interactions) and change log entries from publishing: none
    # from the demo.
    not_demo = {
        "drugs_keptinteractions",
        "drugs_keptrows",
        "drugs_labelsource",
        "drugs_product",
        "drugs_product_drugs",
        "drugs_sectionfeedback",
    }
    demo_tables = {table: rows for table, rows in before.items() if table not in not_demo}
    assert all(demo_tables.values()), "every drugs, articles and tags table has demo rows"
    # Each interaction holds the name of the drug it is stored on, which ranks it (drugs 0018).
    assert not Interaction.objects.exclude(drug_name=F("drug__generic_name")).exists()


def test_second_run_says_it_is_up_to_date():
    load_demo()
    assert "Already up to date" in load_demo()


def test_loading_twice_changes_no_guide_and_draws_no_picture(empty_media):
    load_demo()
    rows, files = snapshot(), media_files(empty_media)
    load_demo()
    assert snapshot() == rows
    assert media_files(empty_media) == files
    # Each picture, and a WebP and a JPEG copy at each width up to its own 1600 pixels.
    assert len(files) == len(GUIDES) * (1 + 2 * 4)


def test_a_fresh_database_reuses_the_pictures_already_in_storage(empty_media):
    load_demo()
    files = media_files(empty_media)
    Article.objects.all().delete()
    load_demo()
    assert media_files(empty_media) == files
    assert all(article.hero_renditions for article in Article.objects.all())


def test_a_missing_picture_is_drawn_again(empty_media):
    load_demo()
    guide = Article.objects.get(slug=GUIDES[0])
    default_storage.delete(guide.hero_image.name)
    load_demo()
    guide.refresh_from_db()
    assert default_storage.exists(guide.hero_image.name)


def test_summary_lists_the_guides():
    output = load_demo()
    assert "Demo guides: 4 published" in output
    assert SEED_TITLE in output


# Mistakes in the content files


@pytest.fixture
def content(tmp_path) -> Path:
    """A copy of the demo content to spoil."""
    return shutil.copytree(CONTENT_DIR, tmp_path / "content")


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def misspell_a_key(data):
    data["side_effects"][0]["advise"] = data["side_effects"][0].pop("advice")


def misspell_a_severity(data):
    data["interactions"][0]["severity"] = "mjor"


def name_a_missing_condition(data):
    data["indications"][0]["condition"] = "spasticty"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (misspell_a_key, "tizanidine.yaml, side_effects[0].advise: unknown field"),
        (misspell_a_severity, "tizanidine.yaml, interactions[0].severity: 'mjor' is not one of"),
        (name_a_missing_condition, "tizanidine.yaml, indications[0].condition: 'spasticty'"),
    ],
)
def test_a_mistake_names_its_file_and_field_and_loads_nothing(content, change, message):
    edit_yaml(content / "drugs" / "tizanidine.yaml", change)
    with pytest.raises(DemoContentError) as error:
        loader.load_demo(content_dir=content)
    assert message in str(error.value)
    assert not Drug.objects.exists()
    assert not DrugClass.objects.exists()


def test_a_mistake_in_a_guides_front_matter_is_named(content):
    path = content / "guides" / "footwear-advice-for-muscle-stiffness.md"
    path.write_text(path.read_text().replace("motif: stones", "motif: stone"))
    with pytest.raises(DemoContentError, match=r"muscle-stiffness\.md, hero\.motif: 'stone'"):
        loader.load_demo(content_dir=content)
    assert not Article.objects.exists()


def test_a_row_the_models_refuse_rolls_back_every_file(content):
    """The last drug file holds a row that only the database step can refuse (the same side
    effect twice): the drugs written before it are taken back too."""

    def repeat_a_side_effect(data):
        data["side_effects"].append(data["side_effects"][0])

    edit_yaml(content / "drugs" / "tizanidine.yaml", repeat_a_side_effect)
    with pytest.raises(DemoContentError, match=r"tizanidine\.yaml: .* twice"):
        loader.load_demo(content_dir=content)
    assert not Drug.objects.exists()


def test_the_command_reports_a_mistake_without_a_traceback(content, monkeypatch):
    edit_yaml(content / "drugs" / "tizanidine.yaml", misspell_a_severity)
    monkeypatch.setattr(
        "medguide.demo.management.commands.load_demo.load_demo",
        lambda **options: loader.load_demo(content_dir=content, **options),
    )
    with pytest.raises(CommandError, match=r"^Demo content not loaded: .*tizanidine\.yaml"):
        load_demo()
