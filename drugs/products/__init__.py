"""The Drugs@FDA import, in four steps: `reading` streams the products out of the data files,
joined with their applications and statuses; `matching` tidies names, matches ingredients to
drugs and tells brands from generics; `parsing` turns a product's form, strength and names into
Product fields; `importing` writes them in batches.
"""
