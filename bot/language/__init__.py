"""Danish language tools: plain functions with no Rasa or web imports."""
