"""The site's settings with one more address, for tests/benchmarks/test_page_cache_costs.py:
/bench-ok/, a bare view that answers "ok" through the same middleware, as the baseline of
what a request costs the server before any page work."""

from medguide.settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.serving_urls"
