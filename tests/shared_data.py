"""The real public data beside the project (../shared/data, its provenance in PROVENANCE.md),
which the benchmarks and fault scenarios that need it import; each skips without it."""

from tests.servers import PROJECT

DATA = PROJECT.parent / "shared" / "data"
LABELS = DATA / "drug-label-0001-of-0001.json.zip"  # 875 openFDA drug labels
NDFRT = DATA / "ndfrt-interactions.csv"
PRODUCTS = DATA / "drugsatfda"  # Drugs@FDA's tab-separated files
TOPICS = DATA / "medlineplus-health-topics.jsonl"
