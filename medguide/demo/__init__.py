"""Demo content for `manage.py load_demo`: seven sourced monographs and their taxonomy."""
