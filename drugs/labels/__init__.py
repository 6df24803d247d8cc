"""The FDA label import, in three steps: `reading` streams raw records out of openFDA
`drug/label` files (.json, .json.zip, folders), skipping a broken record; `parsing` turns one
record into a checked `Label` (names, cleaned text, sections); `importing` writes them in
batches, as label sources and label pages. `sync_labels` feeds it from openFDA's downloads:
`fetching` gets the manifest and each partition (resumed, retried, checked), `syncing` passes
on only the labels that are new or changed.
"""
