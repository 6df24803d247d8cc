"""The {% responsive_image %} tag: a <picture> of WebP and JPEG renditions with a stable box."""

from django import template
from django.core.files.storage import default_storage

register = template.Library()


@register.inclusion_tag("includes/responsive_image.html")
def responsive_image(
    renditions,
    *,
    alt: str = "",
    sizes: str = "100vw",
    loading: str = "lazy",
    css_class: str = "",
    fetchpriority: str = "",
) -> dict:
    """Renditions as ensure_renditions() describes them; nothing renders for none.

    A hero above the fold passes loading="eager" fetchpriority="high".
    """
    by_format: dict[str, list[dict]] = {"webp": [], "jpeg": []}
    for rendition in sorted(renditions or (), key=lambda r: r["width"]):
        by_format.setdefault(rendition["format"], []).append(
            {**rendition, "url": default_storage.url(rendition["name"])}
        )
    webp, jpeg = by_format["webp"], by_format["jpeg"]
    fallback = jpeg or webp
    if not fallback:
        return {}
    # The largest copy gives the aspect ratio the browser reserves before anything loads.
    largest = fallback[-1]
    return {
        "webp_srcset": _srcset(webp) if jpeg else "",
        "srcset": _srcset(fallback),
        # Only a browser without srcset fetches src: a middle width suits most screens.
        "src": fallback[(len(fallback) - 1) // 2]["url"],
        "width": largest["width"],
        "height": largest["height"],
        "alt": alt or "",
        "sizes": sizes,
        "loading": loading,
        "css_class": css_class,
        "fetchpriority": fetchpriority,
    }


def _srcset(renditions: list[dict]) -> str:
    return ", ".join(f"{r['url']} {r['width']}w" for r in renditions)
