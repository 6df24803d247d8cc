"""Uploaded pictures: what is refused, what metadata goes, which renditions exist, the tag."""

import json
import random
import struct
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.template import Context, Template
from PIL import ExifTags, Image, ImageCms

from articles import images
from tests.factories import AuthorFactory

EXTENSIONS = {"jpeg": "jpg", "webp": "webp"}


def encode(image: Image.Image, image_format: str, **options) -> bytes:
    output = BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def picture(size=(64, 48), mode="RGB", color="teal") -> Image.Image:
    return Image.new(mode, size, color)


def noise(size=(200, 200)) -> Image.Image:
    """Incompressible pixels, so a file has bulk to cut in half or to exceed a limit."""
    rng = random.Random(0)
    return Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))


def png_claiming(width: int, height: int) -> bytes:
    """A one-pixel PNG whose header, checksum and all, claims another size."""
    data = bytearray(encode(picture((1, 1)), "PNG"))
    # Signature (8 bytes), then IHDR: length (4), type (4), width and height (4 each), … CRC.
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def animation(image_format: str) -> bytes:
    first, second = picture(color="red"), picture(color="blue")
    return encode(first, image_format, save_all=True, append_images=[second])


def upload(data: bytes, name: str = "picture.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def refusal(data: bytes, name: str = "picture.jpg") -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        images.validate_image_file(upload(data, name))
    return excinfo.value


@pytest.fixture
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_URL = "/media/"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return default_storage


# Validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image_format", "mode"),
    [("JPEG", "RGB"), ("JPEG", "L"), ("PNG", "RGBA"), ("PNG", "P"), ("WEBP", "RGB")],
)
def test_jpeg_png_and_webp_pass_and_the_file_is_rewound(image_format, mode):
    file = upload(encode(picture(mode=mode, color=1 if mode == "P" else "teal"), image_format))
    images.validate_image_file(file)
    assert file.tell() == 0


def test_a_jpeg_carrying_a_second_picture_passes_as_a_jpeg():
    # Phones store depth and HDR gain maps as extra pictures; Pillow calls such a JPEG "MPO".
    data = animation("MPO")
    assert Image.open(BytesIO(data)).format == "MPO"
    images.validate_image_file(upload(data))


def test_a_django_file_and_a_stored_field_file_are_validated_too(storage):
    data = encode(picture(), "PNG")
    images.validate_image_file(File(BytesIO(data), name="diagram.png"))

    name = storage.save("authors/photo.png", ContentFile(data))
    field_file = FieldFile(None, models.ImageField(), name)
    images.validate_image_file(field_file)
    assert field_file.read() == data


@pytest.mark.parametrize(
    "data",
    [b"Take one tablet twice a day.\n" * 20, b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF\n"],
    ids=["text", "pdf"],
)
def test_a_renamed_document_is_not_an_image(data):
    error = refusal(data, name="hero.jpg")
    assert error.code == "not_an_image"
    assert "not a picture" in error.messages[0]


@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_a_truncated_image_is_refused_as_damaged(image_format):
    data = encode(noise(), image_format)
    error = refusal(data[: len(data) // 2])
    assert error.code == "corrupt"
    assert "damaged or incomplete" in error.messages[0]


@pytest.mark.parametrize(
    "size",
    [(50_000, 50_000), (10_000, 10_000)],
    ids=["past-pillows-error-limit", "past-pillows-warning-limit"],
)
def test_a_decompression_bomb_is_refused_before_decoding(size):
    error = refusal(png_claiming(*size), name="bomb.png")
    assert error.code == "decompression_bomb"
    assert "claims to be enormous" in error.messages[0]


def test_an_image_over_the_pixel_limit_is_refused_before_decoding():
    # 49 megapixels is under Pillow's own limit but over ours; decoding would fail, so the
    # message proves the header was judged first.
    error = refusal(png_claiming(7000, 7000), name="scan.png")
    assert error.code == "too_many_pixels"
    assert error.messages == [
        "This image is 7000 \N{MULTIPLICATION SIGN} 7000 pixels (49 megapixels); "
        "the limit is 40 megapixels. Scale it down, for example to 3000 pixels wide, "
        "and upload it again."
    ]


def test_the_pixel_limit_is_the_modules_setting(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 100 * 100)
    assert refusal(encode(picture((101, 100)), "PNG")).code == "too_many_pixels"
    images.validate_image_file(upload(encode(picture((100, 100)), "PNG")))


@pytest.mark.parametrize("image_format", ["GIF", "WEBP", "PNG"])
def test_an_animation_is_refused(image_format):
    error = refusal(animation(image_format))
    assert error.code == "animated"
    assert "animated (2 frames)" in error.messages[0]


def test_a_cmyk_jpeg_is_refused():
    error = refusal(encode(picture(mode="CMYK", color=(0, 80, 80, 0)), "JPEG"))
    assert error.code == "colour_mode"
    assert "CMYK" in error.messages[0]
    assert "Save it as RGB" in error.messages[0]


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "TIFF"])
def test_other_image_formats_are_refused_by_name(image_format):
    error = refusal(encode(picture(), image_format))
    assert error.code == "unsupported_format"
    assert error.messages == [
        f"This is a {image_format} file. Upload a JPEG, PNG or WebP image instead."
    ]


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 10_000)
    data = encode(noise(), "PNG")
    error = refusal(data, name="big.png")
    assert error.code == "file_too_large"
    assert "the limit is 9.8\xa0KB" in error.messages[0]


def test_the_size_limit_holds_when_a_file_understates_its_size(monkeypatch):
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 10_000)
    file = upload(encode(noise(), "PNG"))
    file.size = 100
    with pytest.raises(ValidationError, match="the limit is"):
        images.validate_image_file(file)


# Metadata ----------------------------------------------------------------------------------


def photo_with_location(orientation: int = 1) -> bytes:
    """A phone-like JPEG: maker, GPS position, orientation, XMP and a colour profile."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (52.0, 22.0, 1.5),
    }
    image = picture((60, 40), color="white")
    image.paste((255, 0, 0), (0, 0, 10, 10))  # a red corner where the sensor's top-left was
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(image, "JPEG", exif=exif, xmp=b"<x:xmpmeta/>", icc_profile=srgb)


def test_strip_metadata_removes_exif_gps_xmp_and_the_colour_profile():
    original = photo_with_location()
    assert Image.open(BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    data = images.strip_metadata(upload(original, name="clinic.jpg")).read()

    image = Image.open(BytesIO(data))
    assert image.format == "JPEG"
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert len(image.getexif()) == 0
    assert image.info.keys().isdisjoint({"exif", "xmp", "icc_profile"})
    assert b"PhoneCo" not in data
    assert min(image.getpixel((50, 30))) > 250  # still white once converted to sRGB


def test_strip_metadata_turns_the_picture_the_right_way_up():
    # Orientation 6: the camera was turned a quarter clockwise, so the picture must be too.
    stripped = images.strip_metadata(upload(photo_with_location(orientation=6)))

    image = Image.open(stripped)
    assert image.size == (40, 60)
    red, green, blue = image.getpixel((36, 3))
    assert red > 200
    assert max(green, blue) < 60


@pytest.mark.parametrize(
    ("data", "name", "expected_name", "expected_format"),
    [
        (encode(picture(), "JPEG"), "Clinic Visit.JPEG", "Clinic Visit.jpg", "JPEG"),
        (encode(picture(mode="RGBA"), "PNG"), "diagram.jpg", "diagram.png", "PNG"),
        (encode(picture(), "WEBP"), "chart.webp", "chart.webp", "WEBP"),
        (animation("MPO"), "portrait.jpg", "portrait.jpg", "JPEG"),
    ],
)
def test_strip_metadata_keeps_the_real_format_and_names_it(
    data, name, expected_name, expected_format
):
    stripped = images.strip_metadata(upload(data, name=name))
    assert stripped.name == expected_name
    image = Image.open(stripped)
    assert image.format == expected_format
    assert getattr(image, "n_frames", 1) == 1


def test_strip_metadata_keeps_png_transparency():
    image = picture(mode="RGBA", color=(0, 0, 0, 0))
    stripped = images.strip_metadata(upload(encode(image, "PNG"), name="icon.png"))
    assert Image.open(stripped).getpixel((0, 0)) == (0, 0, 0, 0)


# Renditions --------------------------------------------------------------------------------


def test_renditions_are_webp_and_jpeg_at_every_width_the_original_fills(storage):
    name = storage.save("articles/hero.jpg", ContentFile(encode(picture((1700, 956)), "JPEG")))

    renditions = images.ensure_renditions(name)

    assert [(r["format"], r["width"], r["height"]) for r in renditions] == [
        ("jpeg", 480, 270),
        ("jpeg", 800, 450),
        ("jpeg", 1200, 675),
        ("jpeg", 1600, 900),
        ("webp", 480, 270),
        ("webp", 800, 450),
        ("webp", 1200, 675),
        ("webp", 1600, 900),
    ]
    assert json.loads(json.dumps(renditions)) == renditions
    for rendition in renditions:
        assert rendition["name"].startswith("renditions/hero-")
        assert rendition["name"].endswith(
            f"-{rendition['width']}w.{EXTENSIONS[rendition['format']]}"
        )
        with storage.open(rendition["name"]) as file:
            image = Image.open(file)
            assert image.format == rendition["format"].upper()
            assert image.size == (rendition["width"], rendition["height"])
            assert len(image.getexif()) == 0


@pytest.mark.parametrize(
    ("width", "expected_widths"), [(1000, [480, 800]), (300, [300]), (480, [480])]
)
def test_renditions_never_upscale(storage, width, expected_widths):
    name = storage.save("articles/narrow.png", ContentFile(encode(picture((width, 200)), "PNG")))

    renditions = images.ensure_renditions(name)

    for image_format in ("jpeg", "webp"):
        widths = [r["width"] for r in renditions if r["format"] == image_format]
        assert widths == expected_widths


def test_renditions_are_made_once(storage):
    name = storage.save("articles/hero.jpg", ContentFile(encode(picture((900, 600)), "JPEG")))
    first = images.ensure_renditions(name)
    made = {
        f: storage.get_modified_time(f"renditions/{f}") for f in storage.listdir("renditions")[1]
    }

    second = images.ensure_renditions(name)

    assert second == first
    again = {
        f: storage.get_modified_time(f"renditions/{f}") for f in storage.listdir("renditions")[1]
    }
    assert again == made
    assert len(made) == 4


def test_a_missing_rendition_is_remade_alone(storage):
    name = storage.save("articles/hero.jpg", ContentFile(encode(picture((900, 600)), "JPEG")))
    renditions = images.ensure_renditions(name)
    lost, kept = renditions[0]["name"], renditions[1]["name"]
    kept_at = storage.get_modified_time(kept)
    storage.delete(lost)

    assert images.ensure_renditions(name) == renditions
    assert storage.exists(lost)
    assert storage.get_modified_time(kept) == kept_at


def test_a_new_picture_under_the_same_name_gets_new_renditions(storage):
    first = images.ensure_renditions(
        storage.save("articles/hero.png", ContentFile(encode(picture((500, 300)), "PNG")))
    )
    storage.delete("articles/hero.png")
    second = images.ensure_renditions(
        storage.save(
            "articles/hero.png", ContentFile(encode(picture((500, 300), color="red"), "PNG"))
        )
    )
    assert {r["name"] for r in first}.isdisjoint(r["name"] for r in second)


@pytest.mark.parametrize(
    "png",
    [
        encode(picture((500, 300), "RGBA", (0, 0, 0, 0)), "PNG"),
        encode(picture((500, 300), "P", 0), "PNG", transparency=0),
    ],
    ids=["rgba", "palette"],
)
def test_transparency_is_kept_in_webp_and_flattened_on_white_in_jpeg(png):
    storage = InMemoryStorage()  # the storage API alone: no local path anywhere
    name = storage.save("icon.png", ContentFile(png))

    renditions = {r["format"]: r for r in images.ensure_renditions(name, storage=storage)}

    with storage.open(renditions["jpeg"]["name"]) as file:
        assert Image.open(file).convert("RGB").getpixel((10, 10)) == (255, 255, 255)
    with storage.open(renditions["webp"]["name"]) as file:
        assert Image.open(file).getpixel((10, 10))[3] == 0


# The {% responsive_image %} tag ------------------------------------------------------------


def described(widths=(480, 800, 1200, 1600)) -> list[dict]:
    return [
        {
            "width": width,
            "height": width * 9 // 16,
            "format": image_format,
            "name": f"renditions/hero-abc123-{width}w.{EXTENSIONS[image_format]}",
        }
        for image_format in ("jpeg", "webp")
        for width in widths
    ]


def render(template: str, **context) -> str:
    return Template("{% load images %}" + template).render(Context(context))


def test_the_tag_offers_every_width_in_webp_and_jpeg(storage):
    html = render(
        '{% responsive_image renditions alt="A pill organiser" sizes=sizes %}',
        renditions=described(),
        sizes="(min-width: 64em) 48rem, 100vw",
    )

    webp = ", ".join(
        f"/media/renditions/hero-abc123-{w}w.webp {w}w" for w in (480, 800, 1200, 1600)
    )
    jpeg = ", ".join(f"/media/renditions/hero-abc123-{w}w.jpg {w}w" for w in (480, 800, 1200, 1600))
    assert (
        f'<source type="image/webp" srcset="{webp}" sizes="(min-width: 64em) 48rem, 100vw">' in html
    )
    assert f'srcset="{jpeg}"' in html
    assert 'src="/media/renditions/hero-abc123-800w.jpg"' in html
    assert 'width="1600" height="900"' in html
    assert 'alt="A pill organiser"' in html
    assert 'loading="lazy" decoding="async"' in html
    assert "fetchpriority" not in html


def test_the_tag_escapes_alt_text(storage):
    html = render(
        "{% responsive_image renditions alt=alt %}",
        renditions=described(),
        alt='"><script>alert(1)</script>',
    )
    assert "<script>" not in html
    assert 'alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_a_hero_above_the_fold_loads_eagerly_and_first(storage):
    html = render(
        '{% responsive_image renditions alt="" loading="eager" fetchpriority="high" %}',
        renditions=described(widths=(480,)),
    )
    assert 'loading="eager"' in html
    assert 'fetchpriority="high"' in html
    assert 'alt=""' in html


@pytest.mark.parametrize("renditions", [[], None])
def test_the_tag_renders_nothing_without_renditions(renditions):
    assert render("{% responsive_image renditions alt='x' %}", renditions=renditions).strip() == ""


# Every stored picture ----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_author_photo_is_stored_re_encoded_without_its_location(storage):
    author = AuthorFactory(photo=upload(photo_with_location(), name="me.jpg"))
    with author.photo.open("rb") as stored:
        data = stored.read()
    assert not Image.open(BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"PhoneCo" not in data


@pytest.mark.django_db
def test_the_admin_explains_a_bomb_in_medguides_words_not_djangos(admin_client, storage):
    response = admin_client.post(
        "/admin/articles/author/add/",
        {"name": "Sam", "slug": "sam", "photo": upload(png_claiming(30_000, 30_000), "bomb.png")},
    )
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["photo"])
    assert "claims to be enormous" in errors
    assert "Upload a valid image" not in errors
