"""What a reader of the search page sees, for the search tests to compare."""

from medguide.search import query as site_search


def titles(query: str, **kwargs) -> list[str]:
    """What a reader sees, in order: the best-match drug, then the results' titles."""
    results = site_search.search(query, **kwargs)
    best = [results.best_match.generic_name] if results.best_match else []
    return best + [result.title for result in results.page.object_list]
