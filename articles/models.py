"""Guides linked to drug monographs: the models arrive with the articles issue."""
