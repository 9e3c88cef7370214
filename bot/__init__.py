"""Borgerrådgiver-assistenten: the project's own Python package."""
