"""Loading the Danish spaCy pipeline for the explain feature (once per process)."""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any

SPACY_MODEL = "da_core_news_sm"


def _import_spacy() -> Any:
    """Import spaCy without letting thinc import TensorFlow (installed for Rasa).

    thinc imports TensorFlow when it is installed, only to offer TensorFlow layers that the
    Danish pipeline does not use; that costs several seconds per process. When neither is
    imported yet, TensorFlow is hidden during the import and visible again afterwards.
    """
    if "spacy" in sys.modules or "tensorflow" in sys.modules:
        import spacy

        return spacy
    sys.modules["tensorflow"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        del sys.modules["tensorflow"]
    return spacy


@lru_cache(maxsize=1)
def load_nlp() -> Any:
    """The Danish pipeline, loaded once; a blank Danish pipeline if the model is missing."""
    spacy = _import_spacy()
    try:
        return spacy.load(SPACY_MODEL)
    except OSError:
        print(f"advarsel: spaCy-modellen {SPACY_MODEL} mangler; bruger spacy.blank('da')",
              file=sys.stderr)
        return spacy.blank("da")
