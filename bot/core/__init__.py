"""Core: settings, clock, privacy and the content loader. Imports no feature."""
