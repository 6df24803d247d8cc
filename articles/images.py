"""Uploaded pictures: content validation, metadata stripping and responsive WebP/JPEG renditions.

Everything goes through Pillow and the Django storage API (never a local path), so the same code
serves files from disk in development and from S3-compatible storage in production.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from io import BytesIO
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.template.defaultfilters import filesizeformat
from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# 40 megapixels takes a 36 MP camera or a 24 MP phone photo as it is, and bounds the decoded
# bitmap at 160 MB (RGBA); it sits below Pillow's own decompression-bomb warning (≈89 MP).
MAX_PIXELS = 40_000_000
RENDITION_WIDTHS = (480, 800, 1200, 1600)

# Pillow's format name → the extension we store it under.
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ALLOWED_MODES = {"RGB", "RGBA", "L", "LA", "P"}
# Pillow opens a JPEG that carries extra pictures (a phone's depth or HDR gain map, a stereo
# pair) as "MPO"; frame 0 is the photo, so it is a JPEG to us and its other frames are dropped.
# https://github.com/python-pillow/Pillow/blob/main/src/PIL/JpegImagePlugin.py (jpeg_factory)
FORMAT_ALIASES = {"MPO": "JPEG"}

ORIGINAL_OPTIONS = {
    "JPEG": {"quality": 90, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 90},
}
RENDITION_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "WEBP": {"quality": 80},
}
RENDITION_FORMATS = {"jpeg": "JPEG", "webp": "WEBP"}
RENDITION_PREFIX = "renditions"

MODE_NAMES = {
    "CMYK": "CMYK, a colour mode meant for print",
    "1": "1-bit black and white",
    "I;16": "16-bit greyscale",
    "I": "32-bit greyscale",
    "F": "floating-point greyscale",
    "LAB": "Lab colour",
    "YCbCr": "YCbCr colour",
}

_SRGB = ImageCms.createProfile("sRGB")


def validate_image_file(file) -> None:
    """Validator usable on a models.ImageField / forms field (validators=[validate_image_file]).

    Judges the content, never the file name, and rewinds the file afterwards. Works on an
    UploadedFile, a django File or a FieldFile.
    """
    try:
        data = _read(file)
        with _no_bombs(), _damage_refused():
            with _opened(data) as image:
                _check_header(image)
            # verify() checks the structure but not pixels: only load() notices a JPEG cut short.
            with _opened(data) as image:
                image.verify()
            with _opened(data) as image:
                image.load()
    finally:
        file.seek(0)


class PictureField(forms.ImageField):
    """The admin's picture field: MedGuide's own checks and messages first (size, decompression
    bombs, what the file really is), before Django's generic "Upload a valid image"."""

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "read"):
            validate_image_file(data)
        return super().to_python(data)


def strip_metadata(file) -> ContentFile:
    """The validated image re-encoded upright, in sRGB and without EXIF, XMP or ICC data,
    in its own format; the ContentFile is named after the original with the real extension."""
    data = _read(file)
    file.seek(0)
    with _no_bombs(), _opened(data) as source:
        image_format = FORMAT_ALIASES.get(source.format, source.format)
        image = _clean(source)
    output = BytesIO()
    image.save(output, format=image_format, **ORIGINAL_OPTIONS[image_format])
    stem = PurePosixPath(file.name or "image").stem or "image"
    return ContentFile(output.getvalue(), name=f"{stem}.{EXTENSIONS[image_format]}")


def ensure_renditions(name: str, *, storage: Storage | None = None) -> list[dict]:
    """Make, once, the WebP and JPEG copies of a stored original at each RENDITION_WIDTHS width
    it can fill (or at its own width when narrower than the smallest), and describe them.

    Names derive from the original's content hash, so a copy already in storage is reused.
    """
    storage = storage or default_storage
    with storage.open(name, "rb") as original:
        data = original.read()
    digest = hashlib.sha256(data).hexdigest()[:12]
    stem = PurePosixPath(name).stem

    with _no_bombs(), _opened(data) as source:
        width, height = _upright_size(source)
        widths = [w for w in RENDITION_WIDTHS if w <= width] or [width]
        renditions = [
            {
                "width": w,
                "height": max(1, round(height * w / width)),
                "format": label,
                "name": f"{RENDITION_PREFIX}/{stem}-{digest}-{w}w.{EXTENSIONS[fmt]}",
            }
            for label, fmt in RENDITION_FORMATS.items()
            for w in widths
        ]
        missing = [r for r in renditions if not storage.exists(r["name"])]
        if missing:
            image = _clean(source)
            if image.mode == "P" or "transparency" in image.info:
                # A palette would resize by nearest neighbour, jagged; full colour resizes smoothly.
                image = image.convert("RGBA" if image.has_transparency_data else "RGB")
            resized = {}
            for rendition in missing:
                size = (rendition["width"], rendition["height"])
                if size not in resized:
                    resized[size] = (
                        image
                        if size == image.size
                        else image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
                    )
                rendition["name"] = storage.save(
                    rendition["name"], _encode(resized[size], rendition["format"])
                )

    return sorted(renditions, key=lambda r: (r["format"], r["width"]))


def _read(file) -> bytes:
    """The whole file, refusing it before reading if it declares more than the upload limit."""
    declared = getattr(file, "size", None)
    if declared is not None and declared > MAX_UPLOAD_BYTES:
        raise _too_large(declared)
    if getattr(file, "closed", False):
        file.open("rb")
    file.seek(0)
    data = file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large(declared)
    return data


@contextmanager
def _opened(data: bytes) -> Iterator[Image.Image]:
    try:
        image = Image.open(BytesIO(data))
    except UnidentifiedImageError as error:
        raise ValidationError(
            "This file is not a picture we can read. Upload a JPEG, PNG or WebP image: "
            "renaming a document or PDF to .jpg does not make it one.",
            code="not_an_image",
        ) from error
    with image:
        yield image


@contextmanager
def _damage_refused() -> Iterator[None]:
    """Decoders report damaged data with whatever exception they meet first."""
    try:
        yield
    except (ValidationError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise
    except Exception as error:
        raise ValidationError(
            "This image is damaged or incomplete, perhaps cut off while it was saved or "
            "copied. Open it in an image editor, save it again and upload the new file.",
            code="corrupt",
        ) from error


@contextmanager
def _no_bombs() -> Iterator[None]:
    """Turn Pillow's decompression-bomb warning into the error it is for us.

    catch_warnings() is process-wide; should a thread race reset the filter, the MAX_PIXELS
    check still refuses the image before it is decoded.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ValidationError(
                "This image claims to be enormous (far more than %(limit)s megapixels), the "
                "mark of a file built to exhaust the server's memory. Export the picture "
                "again at a normal size and upload that.",
                code="decompression_bomb",
                params={"limit": MAX_PIXELS // 1_000_000},
            ) from error


def _check_header(image: Image.Image) -> None:
    """What the header tells before any pixel is decoded."""
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ValidationError(
            "This image is %(width)s \N{MULTIPLICATION SIGN} %(height)s pixels "
            "(%(megapixels)s megapixels); the limit is %(limit)s megapixels. Scale it down, "
            "for example to 3000 pixels wide, and upload it again.",
            code="too_many_pixels",
            params={
                "width": width,
                "height": height,
                "megapixels": round(width * height / 1_000_000),
                "limit": MAX_PIXELS // 1_000_000,
            },
        )
    image_format = FORMAT_ALIASES.get(image.format, image.format)
    frames = getattr(image, "n_frames", 1)
    if frames > 1 and image_format == image.format:
        raise ValidationError(
            "This image is animated (%(frames)s frames). Upload a single still picture as a "
            "JPEG, PNG or WebP.",
            code="animated",
            params={"frames": frames},
        )
    if image_format not in EXTENSIONS:
        raise ValidationError(
            "This is a %(format)s file. Upload a JPEG, PNG or WebP image instead.",
            code="unsupported_format",
            params={"format": image.format},
        )
    if image.mode not in ALLOWED_MODES:
        raise ValidationError(
            "This image uses %(mode)s, which browsers do not show correctly. Save it as RGB "
            "(in most editors: Image > Mode > RGB) and upload it again.",
            code="colour_mode",
            params={"mode": MODE_NAMES.get(image.mode, f"the {image.mode} colour mode")},
        )


def _too_large(size: int | None) -> ValidationError:
    return ValidationError(
        "This file is %(size)s; the limit is %(limit)s. Export the picture smaller "
        "(a JPEG 3000 pixels wide is plenty) and upload it again.",
        code="file_too_large",
        params={
            "size": filesizeformat(size) if size else f"over {filesizeformat(MAX_UPLOAD_BYTES)}",
            "limit": filesizeformat(MAX_UPLOAD_BYTES),
        },
    )


def _upright_size(image: Image.Image) -> tuple[int, int]:
    """The size once EXIF orientation is applied (a PNG decodes to find its EXIF)."""
    orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    width, height = image.size
    return (height, width) if orientation in {5, 6, 7, 8} else (width, height)


def _clean(image: Image.Image) -> Image.Image:
    """Turn an opened image upright and into sRGB, in place (a 40 MP bitmap is big enough once),
    and drop its metadata but for PNG transparency."""
    ImageOps.exif_transpose(image, in_place=True)
    icc_profile = image.info.get("icc_profile")
    if icc_profile and image.mode in {"RGB", "RGBA"}:
        # Browsers assume sRGB for untagged images: convert (a phone's Display P3, say) before
        # the profile goes, or colours go dull. An unreadable profile leaves the pixels be.
        with suppress(ImageCms.PyCMSError, OSError):
            ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(BytesIO(icc_profile)), _SRGB, inPlace=True
            )
    image.info = {key: value for key, value in image.info.items() if key == "transparency"}
    return image


def _encode(image: Image.Image, label: str) -> ContentFile:
    image_format = RENDITION_FORMATS[label]
    if image_format == "JPEG":
        image = _on_white(image)
    else:
        mode = "RGBA" if image.has_transparency_data else "RGB"
        image = image if image.mode == mode else image.convert(mode)
    output = BytesIO()
    image.save(output, format=image_format, **RENDITION_OPTIONS[image_format])
    return ContentFile(output.getvalue())


def _on_white(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: flatten onto white, as the page behind the picture is."""
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode in {"RGB", "L"} else image.convert("RGB")
