"""Metadata cascade: JSON-LD, OpenGraph/meta, microdata, byline; titles, authors, dates."""
