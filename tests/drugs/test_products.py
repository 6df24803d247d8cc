"""The Drugs@FDA import: parsing, matching products to drugs, brands, idempotence, the page."""

import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from drugs.dosing import ParsedStrength
from drugs.models import (
    ApplicationType,
    DosageForm,
    DrugName,
    MarketingStatus,
    NameKind,
    Origin,
    Product,
    Route,
)
from drugs.products.importing import Result, Summary, import_products
from drugs.products.matching import clean_name, is_brand_name
from drugs.products.parsing import parse_form, parse_strength
from drugs.products.reading import ProductFileError
from tests.drugs.test_views import afresh_queries_for, kept_queries_for
from tests.factories import DrugFactory, DrugNameFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "drugsatfda"


# Parsing, without the database


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5MG/5ML", ParsedStrength(Decimal(5), "mg", Decimal(5), "mL")),
        ("EQ 200MG BASE", ParsedStrength(Decimal(200), "mg")),
        ("0.1%", ParsedStrength(Decimal("0.1"), "%")),
        ("10MG/2ML (5MG/ML)", ParsedStrength(Decimal(10), "mg", Decimal(2), "mL")),
        ("EQ 2MG SULFATE/0.7ML", ParsedStrength(Decimal(2), "mg", Decimal("0.7"), "mL")),
        ("1,000 UNITS/ML", ParsedStrength(Decimal(1000), "units", None, "mL")),
        ("25MCG/HR", ParsedStrength(Decimal(25), "mcg", None, "hour")),
        (
            "400MG **Federal Register determination that product was not discontinued**",
            ParsedStrength(Decimal(400), "mg"),
        ),
        ("N/A", None),
        ("10MG;20MG", None),
        ("5MG/10MG", None),
        ("", None),
    ],
)
def test_strengths_are_read_as_one_amount_or_not_at_all(raw, expected):
    assert parse_strength(raw) == expected


@pytest.mark.parametrize(
    ("raw", "name", "expected"),
    [
        ("TABLET;ORAL", "", (DosageForm.TABLET, Route.ORAL)),
        ("TABLET, EXTENDED RELEASE;ORAL", "", (DosageForm.EXTENDED_RELEASE_TABLET, Route.ORAL)),
        (
            "TABLET, ORALLY DISINTEGRATING;ORAL",
            "",
            (DosageForm.ORALLY_DISINTEGRATING_TABLET, Route.ORAL),
        ),
        ("SOLUTION/DROPS;OPHTHALMIC", "", (DosageForm.EYE_DROPS, Route.OPHTHALMIC)),
        ("FILM, EXTENDED RELEASE;TRANSDERMAL", "", (DosageForm.PATCH, Route.TRANSDERMAL)),
        ("SYSTEM;TRANSDERMAL", "", (DosageForm.PATCH, Route.TRANSDERMAL)),
        ("AEROSOL, METERED;INHALATION", "", (DosageForm.INHALER, Route.INHALED)),
        ("INJECTABLE;SUBCUTANEOUS", "NOVOLOG FLEXPEN", (DosageForm.PEN, Route.SUBCUTANEOUS)),
        ("INJECTABLE;SUBCUTANEOUS", "NOVOLOG", (DosageForm.INJECTION, Route.SUBCUTANEOUS)),
        (
            "INJECTABLE;INTRATHECAL",
            "GABLOFEN",
            (DosageForm.INTRATHECAL_INJECTION, Route.INTRATHECAL),
        ),
        ("SOLUTION;ORAL", "", (DosageForm.ORAL_SOLUTION, Route.ORAL)),
        ("GAS;INHALATION", "", (DosageForm.OTHER, Route.INHALED)),
        ("SPONGE;DENTAL", "", (DosageForm.OTHER, Route.OTHER)),
    ],
)
def test_fda_forms_map_to_the_sites_forms_and_routes(raw, name, expected):
    assert parse_form(raw, name=name) == expected


@pytest.mark.parametrize(
    ("name", "ingredient", "expected"),
    [
        ("VALIUM", "DIAZEPAM", True),
        ("ZANAFLEX", "TIZANIDINE HYDROCHLORIDE", True),
        ("DIAZEPAM", "DIAZEPAM", False),
        ("IBUPROFEN DYE FREE", "IBUPROFEN", False),
        ("CLOPIDOGREL", "CLOPIDOGREL BISULFATE", False),
        ("TIZANIDINE HYDROCHLORIDE", "TIZANIDINE HYDROCHLORIDE", False),
        ("ACETAMINOPHEN AND CODEINE PHOSPHATE", "ACETAMINOPHEN; CODEINE PHOSPHATE", False),
        ("SODIUM CHLORIDE 0.9% IN PLASTIC CONTAINER", "SODIUM CHLORIDE", False),
    ],
)
def test_a_brand_is_a_name_that_is_not_the_generic(name, ingredient, expected):
    assert is_brand_name(name, ingredient) is expected


def test_all_capital_names_are_title_cased_with_their_acronyms():
    assert clean_name("EPIPEN JR.  ") == "Epipen Jr."
    assert clean_name("TOPROL-XL") == "Toprol-XL"
    assert clean_name("ACETAMINOPHEN AND CODEINE") == "Acetaminophen and Codeine"
    assert clean_name("Vivitrol") == "Vivitrol"


# Importing


@pytest.fixture
def drugs(db):
    """Label pages, which the import gives brand names (editors' monographs it does not)."""
    return {
        name: DrugFactory(generic_name=name, origin=Origin.LABEL)
        for name in ("Diazepam", "Tizanidine", "Ibuprofen", "Acetaminophen", "Codeine")
    }


def run(path=FIXTURES):
    skipped = []
    summary = import_products(path, on_skip=lambda position, reason: skipped.append(position))
    return summary, skipped


@pytest.mark.django_db
def test_products_are_upserted_by_application_and_product_number(drugs):
    summary, _ = run()
    assert summary.counts[Result.CREATED] == Product.objects.count() == 16
    valium = Product.objects.get(application_number="013263", product_number="006")
    assert valium.name == "Valium"
    assert valium.is_brand
    assert not valium.is_combination
    assert valium.application_type == ApplicationType.NDA
    assert valium.sponsor == "Waylis Therap"
    assert valium.marketing_status == MarketingStatus.PRESCRIPTION
    assert valium.is_reference_drug
    assert (valium.dosage_form, valium.route) == (DosageForm.TABLET, Route.ORAL)
    assert (valium.strength_amount, valium.strength_unit) == (Decimal(10), "mg")
    assert list(valium.drugs.all()) == [drugs["Diazepam"]]


@pytest.mark.django_db
def test_salts_match_the_drug_by_its_generic_name(drugs):
    run()
    zanaflex = Product.objects.get(application_number="020397", product_number="001")
    assert zanaflex.active_ingredient == "TIZANIDINE HYDROCHLORIDE"
    assert list(zanaflex.drugs.all()) == [drugs["Tizanidine"]]
    assert zanaflex.strength_raw == "EQ 4MG BASE"
    assert zanaflex.strength_amount == Decimal(4)


@pytest.mark.django_db
def test_ingredients_match_other_names_of_a_drug(db):
    paracetamol = DrugFactory(generic_name="Paracetamol")
    DrugNameFactory(drug=paracetamol, name="Acetaminophen", kind=NameKind.OTHER)
    run()
    combination = Product.objects.filter(application_number="040223").first()
    assert paracetamol in combination.drugs.all()


@pytest.mark.django_db
def test_combinations_link_every_drug_but_give_no_brand(drugs):
    _summary, _ = run()
    combination = Product.objects.get(application_number="040223", product_number="002")
    assert combination.is_combination
    assert set(combination.drugs.all()) == {drugs["Acetaminophen"], drugs["Codeine"]}
    assert combination.strength_amount is None
    assert combination.strength_raw == "300MG;30MG"
    assert not DrugName.objects.filter(name__icontains="codeine").exists()


@pytest.mark.django_db
def test_brands_become_names_of_their_drug_and_generic_names_do_not(drugs):
    summary, _ = run()
    names = {(n.name, n.kind) for n in DrugName.objects.filter(drug=drugs["Diazepam"])}
    # Valrelease is only known from a discontinued product: a former brand.
    assert names == {("Valium", NameKind.BRAND), ("Valrelease", NameKind.FORMER_BRAND)}
    assert {n.name for n in drugs["Ibuprofen"].names.all()} == {"Advil"}
    assert {n.name for n in drugs["Tizanidine"].names.all()} == {"Zanaflex"}
    assert summary.brands_added == 4


@pytest.mark.django_db
def test_an_editor_written_monograph_gets_no_name_and_its_editors_are_told(drugs, capsys):
    diazepam = drugs["Diazepam"]
    diazepam.origin = Origin.EDITORIAL
    diazepam.save()
    # Its editors list Valium as a former brand: marketed again, it would become a brand.
    DrugNameFactory(drug=diazepam, name="Valium", kind=NameKind.FORMER_BRAND)
    names = set(diazepam.names.values_list("name", "kind"))
    call_command("import_products", str(FIXTURES))
    assert set(diazepam.names.values_list("name", "kind")) == names
    assert {n.name for n in drugs["Tizanidine"].names.all()} == {"Zanaflex"}
    out = capsys.readouterr().out
    assert "2 brand names added, 2 left to the editors of their monographs" in out
    assert "Diazepam: Valium (brand name)\n  Diazepam: Valrelease (former brand name)" in out
    assert out.count("Diazepam: Valium") == 1  # marketed and discontinued products: a brand
    valium = Product.objects.get(application_number="013263", product_number="006")
    assert valium.drugs.get() == diazepam  # its products are still listed on its page


def test_a_name_for_editors_is_a_brand_while_any_product_is_marketed():
    summary = Summary()
    summary.tell_editors("Diazepam", "Valium", NameKind.FORMER_BRAND)
    summary.tell_editors("Diazepam", "Valium", NameKind.BRAND)
    summary.tell_editors("Diazepam", "Valium", NameKind.FORMER_BRAND)
    assert summary.brands_for_editors == {("Diazepam", "Valium"): NameKind.BRAND}


@pytest.mark.django_db
def test_a_name_already_in_use_is_left_to_its_drug(drugs):
    other = DrugFactory(generic_name="Something else")
    DrugNameFactory(drug=other, name="VALIUM")
    DrugNameFactory(drug=drugs["Diazepam"], name="Diastat", kind=NameKind.BRAND)
    run()
    assert DrugName.objects.get(name__iexact="valium").drug == other
    assert drugs["Diazepam"].names.filter(name="Diastat").exists()  # editors' names stay


@pytest.mark.django_db
def test_a_second_run_changes_nothing(drugs):
    run()
    names = DrugName.objects.count()
    summary, _ = run()
    assert summary.counts[Result.UNCHANGED] == 16
    assert summary.counts[Result.CREATED] == summary.counts[Result.UPDATED] == 0
    assert summary.brands_added == 0
    assert DrugName.objects.count() == names


@pytest.mark.django_db
def test_a_changed_row_updates_its_product(drugs, tmp_path):
    run()
    folder = tmp_path / "files"
    shutil.copytree(FIXTURES, folder)
    statuses = folder / "MarketingStatus.txt"
    statuses.write_text(statuses.read_text().replace("1\t013263\t006", "3\t013263\t006"))
    summary, _ = run(folder)
    assert summary.counts[Result.UPDATED] == 1
    valium = Product.objects.get(application_number="013263", product_number="006")
    assert valium.marketing_status == MarketingStatus.DISCONTINUED
    assert list(valium.drugs.all()) == [drugs["Diazepam"]]


@pytest.mark.django_db
def test_bad_rows_are_reported_with_their_line_and_skipped(drugs, tmp_path):
    folder = tmp_path / "files"
    shutil.copytree(FIXTURES, folder)
    with (folder / "Products.txt").open("ab") as products:
        products.write(b"099999\t001\tTABLET;ORAL\t5MG\t0\tCAF\xc9\tCAFFEINE\t0\n")
        products.write(b"\t001\tTABLET;ORAL\t5MG\t0\tNOKEY\tNOKEY\t0\n")
    summary, skipped = run(folder)
    # The real line 18 has a tab inside its form: a column too many.
    assert skipped == ["Products.txt line 18", "Products.txt line 19", "Products.txt line 20"]
    assert summary.counts[Result.SKIPPED] == 3
    assert summary.counts[Result.CREATED] == 16


@pytest.mark.django_db
def test_a_zip_as_the_fda_distributes_it(drugs, tmp_path):
    archive = tmp_path / "drugsatfda20220801.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in FIXTURES.glob("*.txt"):
            out.write(file, file.name)
    summary, _ = run(archive)
    assert summary.counts[Result.CREATED] == 16


@pytest.mark.django_db
def test_the_command_prints_the_summary(drugs, capsys):
    call_command("import_products", str(FIXTURES))
    out = capsys.readouterr()
    assert "16 created" in out.out
    assert "4 brand names added" in out.out
    assert "Products.txt line 18: skipped" in out.err


@pytest.mark.django_db
@pytest.mark.parametrize("what", ["missing", "no-products", "not-drugs-at-fda"])
def test_the_command_refuses_what_is_not_drugs_at_fda_in_one_line(what, tmp_path):
    folder = tmp_path / "files"
    if what != "missing":
        shutil.copytree(FIXTURES, folder)
    if what == "no-products":
        (folder / "Products.txt").unlink()
    if what == "not-drugs-at-fda":
        (folder / "Products.txt").write_text("a,b,c\n1,2,3\n")
    with pytest.raises(CommandError) as error:
        call_command("import_products", str(folder))
    assert "\n" not in str(error.value)


@pytest.mark.django_db
def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    junk = tmp_path / "products.zip"
    junk.write_text("not a zip")
    with pytest.raises(ProductFileError):
        import_products(junk)


# The drug page


@pytest.mark.django_db
def test_the_page_lists_us_products_by_form_and_combinations_apart(client, drugs):
    run()
    page = client.get(drugs["Diazepam"].get_absolute_url()).content.decode()
    assert "Forms and strengths in the US" in page
    assert "Tablet, by mouth" in page
    assert "Valium" in page
    assert "Waylis Therap" in page
    assert "discontinued" in page.lower()
    # Each product's marketing status, as its choice's label.
    assert '<td data-label="Status">Prescription</td>' in page
    assert '<td data-label="Status"><strong>Discontinued</strong></td>' in page
    codeine = client.get(drugs["Codeine"].get_absolute_url()).content.decode()
    assert "Also in combination products" in codeine
    assert "Tablet, by mouth" not in codeine  # a combination is never shown as the generic


@pytest.mark.django_db
def test_the_section_is_absent_without_products(client, drugs):
    page = client.get(drugs["Diazepam"].get_absolute_url()).content.decode()
    assert "Forms and strengths in the US" not in page


@pytest.mark.django_db
def test_the_page_queries_do_not_grow_with_products(client, drugs):
    url = drugs["Diazepam"].get_absolute_url()
    run()
    few_afresh, few_kept = afresh_queries_for(client, url), kept_queries_for(client, url)
    for number in range(40):
        product = Product.objects.create(
            application_number=f"9{number:05d}",
            product_number="001",
            name=f"Diazepam {number}",
            active_ingredient="DIAZEPAM",
            form_raw="TABLET;ORAL",
            dosage_form=DosageForm.TABLET,
            route=Route.ORAL,
            marketing_status=MarketingStatus.PRESCRIPTION,
        )
        product.drugs.add(drugs["Diazepam"])
    assert afresh_queries_for(client, url) == few_afresh
    assert kept_queries_for(client, url) == few_kept


# The admin


@pytest.mark.django_db
def test_editors_find_products_by_application_number_and_filter_them(admin_client, drugs):
    run()
    found = admin_client.get("/admin/drugs/product/?q=020397&marketing_status=rx")
    assert found.status_code == 200
    assert "EQ 4MG BASE" in found.content.decode()
    assert "EQ 2MG BASE" not in found.content.decode()  # discontinued
    product = Product.objects.get(application_number="020397", product_number="001")
    change = admin_client.get(f"/admin/drugs/product/{product.pk}/change/")
    assert "Drugs@FDA" in change.content.decode()
