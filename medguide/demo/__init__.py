"""Demo content for `manage.py load_demo`: seven sourced monographs, four guides and their
taxonomy, as YAML and Markdown files in content/."""
