from pathlib import Path
from typing import Any, List

import pytest
import spacy
from spacy.language import Language

from bot.features.explain.glossary import (
    Glossary,
    fold,
    glossary_from_data,
    load_glossary,
    unique_keys,
)

ROOT = Path(__file__).resolve().parents[4]
GLOSSARY_FILE = ROOT / "content" / "glossary.yml"

REQUIRED = [
    "afgørelse",
    "klagevejledning",
    "klagefrist",
    "partshøring",
    "agterskrivelse",
    "aktindsigt",
    "begrundelse",
    "hjemmel",
    "konkret og individuel vurdering",
    "skøn",
    "opsættende virkning",
    "genvurdering",
    "revurdering",
    "revisitation",
    "visitation",
    "genoptagelse",
    "hjemvisning",
    "ophævelse",
    "medhold",
    "tilbagebetaling",
    "oplysningspligt",
    "bevilling",
    "bortfald",
    "påbud",
    "dispensation",
    "vilkår",
    "lokalplan",
    "kvalitetsstandard",
    "sagsbehandlingsfrist",
    "partsrepræsentant",
    "fuldmagt",
    "part",
    "remonstration",
    "tilsyn",
    "Klageportalen",
    "klagegebyr",
    "søgsmålsfrist",
    "ankestyrelsen",
    "det foreliggende grundlag",
    "handleplan",
]

FAKE_LEMMAS = {"xyzzy": "afgørelse", "partneren": "partner"}


@Language.component("explain_test_fake_lemmas")
def _fake_lemmas(doc: Any) -> Any:
    for token in doc:
        token.lemma_ = FAKE_LEMMAS.get(token.text.lower(), "")
    return doc


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(GLOSSARY_FILE)


@pytest.fixture(scope="module")
def blank() -> Any:
    return spacy.blank("da")


def _real_or_skip() -> Any:
    try:
        return spacy.load("da_core_news_sm")
    except OSError:
        pytest.skip("da_core_news_sm is not installed")


@pytest.fixture(scope="module", params=["blank", "da_core_news_sm"])
def nlp(request: pytest.FixtureRequest, blank: Any) -> Any:
    """Both pipelines: what must hold with the blank one must hold with the real one."""
    return blank if request.param == "blank" else _real_or_skip()


def keys(glossary: Glossary, nlp: Any, text: str) -> List[str]:
    return unique_keys(glossary.find(nlp(text)))


# --- the data file --------------------------------------------------------------------------


def test_glossary_has_the_required_terms(glossary: Glossary) -> None:
    assert len(glossary.terms) >= 40
    missing = [k for k in REQUIRED if k not in glossary.terms]
    assert missing == []


def test_every_term_is_explained(glossary: Glossary) -> None:
    for term in glossary.terms.values():
        assert len(term.explanation) > 40, term.key
        assert len(term.for_dig) > 40, term.key


def test_key_legal_facts(glossary: Glossary) -> None:
    assert "4 uger" in glossary.terms["genvurdering"].for_dig
    assert "Ankestyrelsen" in glossary.terms["genvurdering"].for_dig
    assert glossary.terms["partshøring"].hjemmel == "forvaltningsloven § 19"
    assert glossary.terms["klagevejledning"].hjemmel == "forvaltningsloven § 25"
    assert "ikke har opsættende virkning" in glossary.terms["opsættende virkning"].for_dig


def test_invalid_data_is_rejected() -> None:
    with pytest.raises(ValueError):
        glossary_from_data({"termer": {"x": {"term": "x", "forklaring": "", "for_dig": "y"}}})
    with pytest.raises(ValueError):
        glossary_from_data(
            {"termer": {"x": {"term": "x", "forklaring": "a", "for_dig": "b", "ukendt_felt": 1}}}
        )
    with pytest.raises(ValueError, match="både"):
        glossary_from_data(
            {
                "termer": {
                    "a": {"term": "klage", "forklaring": "a", "for_dig": "a"},
                    "b": {"term": "anke", "former": ["Klage"], "forklaring": "b", "for_dig": "b"},
                }
            }
        )


def test_ja_nej_flags() -> None:
    g = glossary_from_data(
        {
            "termer": {
                "skøn": {
                    "term": "skøn",
                    "bøjes": "nej",
                    "efterled": "nej",
                    "forklaring": "a",
                    "for_dig": "b",
                }
            }
        }
    )
    assert g.terms["skøn"].inflect is False
    assert g.terms["skøn"].last_part is False
    assert g.terms["skøn"].first_part is True


def test_fold() -> None:
    assert fold("Klage-Portalen") == "klageportalen"
    assert fold("Afgørelse på Æbleø") == "afgoerelse paa aebleoe"


# --- matching -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hvad betyder partshøringen?", ["partshøring"]),
        ("Jeg har fået et partshørings brev", ["partshøring"]),
        ("Hvad er opsættende virkning?", ["opsættende virkning"]),
        ("Min sag er blevet hjemvist", ["hjemvisning"]),
        ("Sagen hjemvises til kommunen", ["hjemvisning"]),
        ("afgørelserne", ["afgørelse"]),
        ("parterne og modparten", ["part"]),
        ("påbuddet", ["påbud"]),
        ("skønnet", ["skøn"]),
        ("hjemlen", ["hjemmel"]),
        ("Ankestyrelsens afgørelse", ["ankestyrelsen", "afgørelse"]),
        ("KLAGEVEJLEDNING", ["klagevejledning"]),
        ("De har bevilget mig hjælp", ["bevilling"]),
        ("sagen genoptages", ["genoptagelse"]),
        ("vi har visiteret dig", ["visitation"]),
    ],
)
def test_inflections(glossary: Glossary, nlp: Any, text: str, expected: List[str]) -> None:
    assert keys(glossary, nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Klagefristen er udløbet", ["klagefrist"]),
        ("partshøringsbrevet kom i går", ["partshøring"]),
        ("afgørelsesbrevet", ["afgørelse"]),
        ("en afslagsafgørelse", ["afgørelse"]),
        ("lovliggørelsespåbuddet", ["påbud"]),
        ("den tilsynsførende kom", ["tilsyn"]),
        ("lokalplanområdet", ["lokalplan"]),
        ("aktindsigtsanmodning", ["aktindsigt"]),
    ],
)
def test_compounds(glossary: Glossary, nlp: Any, text: str, expected: List[str]) -> None:
    assert keys(glossary, nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("en konkret og individuel vurdering", ["konkret og individuel vurdering"]),
        ("efter en konkret, individuel vurdering", ["konkret og individuel vurdering"]),
        ("vi har vurderet det konkret og individuelt", ["konkret og individuel vurdering"]),
        ("på det foreliggende grundlag", ["det foreliggende grundlag"]),
        ("du har pligt til at oplyse kommunen om ændringer", ["oplysningspligt"]),
        ("klag til Miljø- og Fødevareklagenævnet", ["Miljø- og Fødevareklagenævnet"]),
        ("Nævnenes Hus", ["Nævnenes Hus"]),
        ("Kommunen agter at træffe afgørelse om", ["agterskrivelse"]),
    ],
)
def test_multi_word_terms(glossary: Glossary, nlp: Any, text: str, expected: List[str]) -> None:
    assert keys(glossary, nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("parts høring", ["partshøring"]),
        ("akt-indsigt", ["aktindsigt"]),
        ("akt indsigt", ["aktindsigt"]),
        ("klage-portalen", ["Klageportalen"]),
        ("klagevejleding", ["klagevejledning"]),
        ("aktinsigt", ["aktindsigt"]),
        ("partshørring", ["partshøring"]),
        ("afgoerelse", ["afgørelse"]),
    ],
)
def test_spelling_variants(glossary: Glossary, nlp: Any, text: str, expected: List[str]) -> None:
    assert keys(glossary, nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Min partner og jeg bor i en apartment",
        "hovedparten af udgifterne",
        "et anpartsselskab",
        "Det er tilsyneladende en fejl",
        "skønt det regner, er det skønne vejr og skønheden",
        "en vilkårlig dag",
        "en demonstration",
        "en henvisning til lægen",
        "jeg har genoptaget arbejdet",
        "partiet og partikler",
    ],
)
def test_no_false_hits_inside_unrelated_words(glossary: Glossary, nlp: Any, text: str) -> None:
    assert keys(glossary, nlp, text) == []


def test_longer_term_wins_over_a_term_inside_it(glossary: Glossary, nlp: Any) -> None:
    assert keys(glossary, nlp, "partshøring og partsrepræsentant") == [
        "partshøring",
        "partsrepræsentant",
    ]
    assert keys(glossary, nlp, "revisitationen") == ["revisitation"]


def test_hits_have_character_offsets(glossary: Glossary, blank: Any) -> None:
    text = "Læs klagevejledningen og klagefristen."
    hits = glossary.find(blank(text))
    assert [(h.key, h.text, text[h.start : h.end]) for h in hits] == [
        ("klagevejledning", "klagevejledningen", "klagevejledningen"),
        ("klagefrist", "klagefristen", "klagefristen"),
    ]


def test_lemmas_from_the_pipeline_are_used(glossary: Glossary) -> None:
    nlp = spacy.blank("da")
    nlp.add_pipe("explain_test_fake_lemmas")
    assert keys(glossary, nlp, "xyzzy") == ["afgørelse"]
    assert keys(glossary, nlp, "partneren") == []


def test_office_flags_change_matching() -> None:
    g = glossary_from_data(
        {
            "termer": {
                "syn": {
                    "term": "syn",
                    "forklaring": "a",
                    "for_dig": "b",
                    "bindeled": ["s"],
                    "efterled": "nej",
                    "ikke": ["synes"],
                },
            }
        }
    )
    blank = spacy.blank("da")
    assert unique_keys(g.find(blank("synet synsprøven"))) == ["syn"]
    assert unique_keys(g.find(blank("jeg synes, at udsynet"))) == []
