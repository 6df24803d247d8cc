"""The base the content apps build on: the publishing model, the workflow and its audit trail,
drafts of live content, revisions, reviewers, readability, and the shared admin classes. It
imports no content app (import-linter checks this: see pyproject.toml)."""
