import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any, Dict, List

import pytest
import spacy
import yaml

import bot.app.explain_cli as explain_module
from bot.app.explain_cli import explain_cli, load_responses
from bot.features.explain.glossary import Glossary, load_glossary
from bot.features.explain.laws import LawBook, load_lawbook
from bot.features.explain.letters import (
    TextTooLongError,
    analyse,
    explain,
    looks_like_letter,
    replies_for_message,
)

ROOT = Path(__file__).resolve().parents[4]
TODAY = date(2026, 11, 26)

LETTER = """Aalborg Kommune
Ældre- og Handicapforvaltningen

Aalborg, den 12. november 2026
Sagsnr.: 2026-123456
CPR-nr.: [CPR]

Afgørelse om ledsagelse efter servicelovens § 97

Kære Hanne Jensen

Du har den 2. september 2026 søgt om ledsagelse. Vi har nu truffet afgørelse i din sag.

Du får afslag på ledsagelse efter § 97, stk. 1, i lov om social service.

Begrundelse
Vi har efter en konkret og individuel vurdering lagt vægt på, at du kan færdes selvstændigt
med dit hjælpemiddel. Vi har foretaget partshøring den 14. oktober 2026. Vi har truffet
afgørelsen på det foreliggende grundlag, fordi vi ikke har modtaget lægeerklæringen.

Klagevejledning
Hvis du ikke er enig i afgørelsen, kan du klage. Klagen skal være modtaget inden 4 uger
efter, at du har modtaget denne afgørelse. Du kan klage skriftligt eller mundtligt. Du
sender klagen til os, og vi genvurderer afgørelsen inden 4 uger. Hvis vi fastholder
afgørelsen, sender vi klagen videre til Ankestyrelsen. En klage har ikke opsættende
virkning, jf. retssikkerhedslovens § 72.

Med venlig hilsen
Myndighedsafdelingen
"""

PARTSHOERING = """Partshøring om ophør af din hjemmehjælp

Kære Poul. Kommunen agter at træffe afgørelse om, at din praktiske hjælp efter
servicelovens § 83 ophører. Inden vi træffer afgørelse, har du mulighed for at komme med
bemærkninger. Vi skal have dit svar senest den 3. december.

Med venlig hilsen
Visitationen
"""

PLAN = """Dispensation fra lokalplan 4-3-112. Aalborg Kommune giver dispensation efter
planlovens § 19 til opførelse af en carport.

Klagevejledning
Du kan klage over afgørelsen til Planklagenævnet. Klagen skal indgives via Klageportalen,
som du finder på borger.dk. Klagefristen er 4 uger fra den dag, afgørelsen er meddelt.
Der betales et klagegebyr. Søgsmål skal være anlagt inden 6 måneder, jf. planlovens § 62.
Dato: 20.11.2026
"""

NO_APPEAL = """Afgørelse om tilskud. Vi kan ikke imødekomme din ansøgning om tilskud til
foreningens aktiviteter, da puljen er opbrugt.
Afgørelsen kan ikke indbringes for anden administrativ myndighed.
Med venlig hilsen Kultur- og Fritidsforvaltningen
"""


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(ROOT / "content" / "glossary.yml")


@pytest.fixture(scope="module")
def lawbook() -> LawBook:
    return load_lawbook(ROOT / "content" / "laws.yml")


@pytest.fixture(scope="module")
def nlp() -> Any:
    return spacy.blank("da")


@pytest.fixture(scope="module")
def responses() -> Dict[str, Any]:
    return load_responses(ROOT / "domain.yml")


def run(
    text: str,
    nlp: Any,
    glossary: Glossary,
    lawbook: LawBook,
    today: date = TODAY,
    intent: Any = None,
) -> List[Any]:
    return replies_for_message(text, nlp, glossary, lawbook, today, intent)


def names(replies: List[Any]) -> List[str]:
    return [name for name, _values in replies]


# --- explain() ------------------------------------------------------------------------------


def test_explain_returns_exactly_the_json_structure(
    nlp: Any, glossary: Glossary, lawbook: LawBook
) -> None:
    result = explain(LETTER, nlp, TODAY, glossary=glossary, lawbook=lawbook)
    assert set(result) == {"terms", "deadlines", "laws", "complaint_body"}
    assert all(set(t) == {"term", "explanation"} for t in result["terms"])
    assert all(set(d) == {"text", "days", "date"} for d in result["deadlines"])
    json.dumps(result)  # serialisable as it is


def test_explain_a_decision_letter(nlp: Any, glossary: Glossary, lawbook: LawBook) -> None:
    result = explain(LETTER, nlp, TODAY, glossary=glossary, lawbook=lawbook)
    assert [t["term"] for t in result["terms"]] == [
        "afgørelse",
        "afslag",
        "begrundelse",
        "konkret og individuel vurdering",
        "partshøring",
        "det foreliggende grundlag",
        "klagevejledning",
        "genvurdering",
        "ankestyrelsen",
        "opsættende virkning",
    ]
    assert result["terms"][4]["explanation"] == glossary.terms["partshøring"].explanation
    assert result["deadlines"] == [
        {"text": "inden 4 uger", "days": 28, "date": "2026-12-10"},
        {"text": "inden 4 uger", "days": 28, "date": None},
    ]
    assert [
        (law["text"], law["law"], law["paragraph"], law["paragraph_about"])
        for law in result["laws"]
    ] == [
        ("servicelovens § 97", "serviceloven", "§ 97", "ledsagelse, op til 15 timer om måneden"),
        (
            "retssikkerhedslovens § 72",
            "retssikkerhedsloven",
            "§ 72",
            "hvornår en klage har opsættende virkning",
        ),
    ]
    assert result["complaint_body"] == "Ankestyrelsen"


def test_letter_replies(nlp: Any, glossary: Glossary, lawbook: LawBook) -> None:
    replies = run(LETTER, nlp, glossary, lawbook, intent="indsat_brev")
    assert names(replies) == [
        "utter_explain_letter_intro",
        "utter_explain_outcome_no",  # "Du får afslag": the answer to "ja eller nej?" first
        "utter_explain_letter_terms",
        "utter_explain_deadline_from_letter",
        "utter_explain_deadline_authority",
        "utter_explain_deadline_rule",
        "utter_explain_law",
        "utter_explain_law",
        "utter_explain_klage_found",
        "utter_explain_klage_via_kommune",
        "utter_explain_klage_channels",
        "utter_explain_not_judging",
        "utter_explain_next_steps",
    ]
    assert replies[3][1] == {
        "frist": "inden 4 uger",
        "dato": "10. december 2026",
        "ugedag": "torsdag",
        "brevdato": "12. november 2026",
    }
    assert replies[9][1] == {"klageinstans": "Ankestyrelsen"}
    assert replies[2][1]["terms"].startswith("- afgørelse: En afgørelse er kommunens beslutning")
    assert replies[10][1]["kanaler"] == (
        "- mundtligt, fx ved at ringe eller komme forbi\n- skriftligt, fx i et brev"
    )


def test_receipt_date_from_the_citizen(nlp: Any, glossary: Glossary, lawbook: LawBook) -> None:
    text = "Jeg fik brevet den 16. november 2026.\n" + LETTER
    replies = run(text, nlp, glossary, lawbook)
    assert (
        "utter_explain_deadline_from_receipt",
        {
            "frist": "inden 4 uger",
            "dato": "14. december 2026",
            "ugedag": "mandag",
            "modtaget": "16. november 2026",
        },
    ) in replies


def test_passed_deadline(nlp: Any, glossary: Glossary, lawbook: LawBook) -> None:
    replies = run(LETTER, nlp, glossary, lawbook, today=date(2027, 1, 5))
    assert (
        "utter_explain_deadline_passed",
        {"frist": "inden 4 uger", "dato": "10. december 2026", "ugedag": "torsdag"},
    ) in replies


def test_letter_without_klagevejledning(nlp: Any, glossary: Glossary, lawbook: LawBook) -> None:
    result = explain(PARTSHOERING, nlp, TODAY, glossary=glossary, lawbook=lawbook)
    assert result["complaint_body"] is None
    assert [t["term"] for t in result["terms"]] == [
        "partshøring",
        "agterskrivelse",
        "afgørelse",
        "visitation",
    ]
    assert result["deadlines"] == [
        {"text": "senest den 3. december", "days": None, "date": "2026-12-03"}
    ]
    replies = run(PARTSHOERING, nlp, glossary, lawbook)
    # Nothing is decided yet: say so first, and no "no klagevejledning" bubble, which only
    # confuses before a decision (QA round 2, c22).
    assert names(replies)[1] == "utter_explain_outcome_hearing"
    assert "utter_explain_klage_missing" not in names(replies)
    assert "utter_explain_klage_found" not in names(replies)
    assert (
        "utter_explain_deadline_fixed",
        {
            "frist": "senest den 3. december",
            "dato": "3. december 2026",
            "ugedag": "torsdag",
        },
    ) in replies


def test_plan_letter_with_klageportalen(nlp: Any, glossary: Glossary, lawbook: LawBook) -> None:
    result = explain(PLAN, nlp, TODAY, glossary=glossary, lawbook=lawbook)
    assert result["complaint_body"] == "Planklagenævnet"
    assert [t["term"] for t in result["terms"]] == [
        "dispensation",
        "lokalplan",
        "klagevejledning",
        "afgørelse",
        "Planklagenævnet",
        "Klageportalen",
        "klagefrist",
        "klagegebyr",
        "søgsmålsfrist",
    ]
    assert result["deadlines"] == [
        {"text": "4 uger", "days": 28, "date": "2026-12-18"},
        {"text": "inden 6 måneder", "days": None, "date": "2027-05-20"},
    ]
    assert [law["text"] for law in result["laws"]] == ["planlovens § 19", "planlovens § 62"]
    replies = run(PLAN, nlp, glossary, lawbook)
    assert ("utter_explain_klage_body", {"klageinstans": "Planklagenævnet"}) in replies
    channels = dict(replies)["utter_explain_klage_channels"]["kanaler"]
    assert channels == "- gennem Klageportalen på borger.dk (log ind med MitID)"


def test_letter_saying_there_is_no_appeal(nlp: Any, glossary: Glossary, lawbook: LawBook) -> None:
    assert (
        explain(NO_APPEAL, nlp, TODAY, glossary=glossary, lawbook=lawbook)["complaint_body"] is None
    )
    replies = run(NO_APPEAL, nlp, glossary, lawbook)
    assert names(replies)[-4:] == [
        "utter_explain_klage_found",
        "utter_explain_klage_no_appeal",
        "utter_explain_not_judging",
        "utter_explain_next_steps",
    ]


def test_masked_cpr_is_ignored(nlp: Any, glossary: Glossary, lawbook: LawBook) -> None:
    text = "CPR-nr.: [CPR]\nSagsnr. 12"
    result = explain(text, nlp, TODAY, glossary=glossary, lawbook=lawbook)
    assert result == {"terms": [], "deadlines": [], "laws": [], "complaint_body": None}


def test_too_long(nlp: Any, glossary: Glossary, lawbook: LawBook) -> None:
    text = "a" * 20_001
    with pytest.raises(TextTooLongError):
        explain(text, nlp, TODAY, glossary=glossary, lawbook=lawbook)
    assert run(text, nlp, glossary, lawbook) == [("utter_explain_too_long", {"max_tegn": "20.000"})]


def test_letter_of_20000_characters_is_handled(
    nlp: Any, glossary: Glossary, lawbook: LawBook
) -> None:
    text = (LETTER * 20)[:20_000]
    analysis = analyse(text, nlp, glossary, lawbook, TODAY)
    assert "partshøring" in [t.key for t in analysis.terms]


# --- questions ------------------------------------------------------------------------------


def test_question_about_a_term(nlp: Any, glossary: Glossary, lawbook: LawBook) -> None:
    term = glossary.terms["partshøring"]
    assert run(
        "Hvad betyder partshøringen?", nlp, glossary, lawbook, intent="forstaa_afgoerelse"
    ) == [
        (
            "utter_explain_term",
            {"term": "partshøring", "explanation": term.explanation, "for_dig": term.for_dig},
        ),
        (
            "utter_explain_term_hjemmel",
            {"term": "partshøring", "hjemmel": "forvaltningsloven § 19"},
        ),
        ("utter_explain_not_judging", {}),
        ("utter_explain_next_steps", {}),
    ]


@pytest.mark.parametrize(
    "text", ["hvad betyder det så for mig?", "Hvad betyder det?", "hvad skal jeg så gøre nu"]
)
def test_what_it_means_for_me_is_no_unknown_word(
    text: str, nlp: Any, glossary: Glossary, lawbook: LawBook
) -> None:
    replies = run(text, nlp, glossary, lawbook, intent="forstaa_afgoerelse")
    assert names(replies) == ["utter_explain_for_me", "utter_explain_next_steps"]


def test_question_about_two_terms(nlp: Any, glossary: Glossary, lawbook: LawBook) -> None:
    replies = run("hvad er forskellen på genvurdering og revurdering?", nlp, glossary, lawbook)
    assert [v.get("term") for n, v in replies if n == "utter_explain_term"] == [
        "genvurdering",
        "revurdering",
    ]


def test_question_about_a_paragraph(nlp: Any, glossary: Glossary, lawbook: LawBook) -> None:
    replies = run("Hvad står der i § 97 i serviceloven?", nlp, glossary, lawbook)
    assert names(replies) == [
        "utter_explain_law",
        "utter_explain_not_judging",
        "utter_explain_next_steps",
    ]


def test_unknown_term(nlp: Any, glossary: Glossary, lawbook: LawBook) -> None:
    assert run("Hvad betyder flodhest?", nlp, glossary, lawbook) == [
        ("utter_explain_no_term", {}),
        ("utter_explain_next_steps", {}),
    ]


def test_not_understanding_the_letter_invites_to_paste(
    nlp: Any, glossary: Glossary, lawbook: LawBook
) -> None:
    assert run("Jeg forstår ikke mit brev fra kommunen", nlp, glossary, lawbook) == [
        ("utter_explain_invite", {})
    ]


def test_button_payload_or_empty_text_invites(
    nlp: Any, glossary: Glossary, lawbook: LawBook
) -> None:
    assert run("/forstaa_afgoerelse", nlp, glossary, lawbook) == [("utter_explain_invite", {})]
    assert run("   ", nlp, glossary, lawbook) == [("utter_explain_invite", {})]


def test_short_pasted_fragment_with_letter_intent(
    nlp: Any, glossary: Glossary, lawbook: LawBook
) -> None:
    text = "Sagen hjemvises til fornyet behandling i kommunen."
    assert names(run(text, nlp, glossary, lawbook, intent="indsat_brev"))[0] == (
        "utter_explain_letter_intro"
    )
    assert names(run(text, nlp, glossary, lawbook, intent="forstaa_afgoerelse"))[0] == (
        "utter_explain_term"
    )


@pytest.mark.parametrize(
    ("text", "letter"),
    [
        (LETTER, True),
        (PARTSHOERING, True),
        ("Vi har truffet afgørelse om, at din hjælp ophører, jf. servicelovens § 83.", True),
        ("Hvad betyder partshøring?", False),
        ("Jeg har fået en afgørelse om hjemmehjælp, hvad betyder den?", False),
        ("hjemvist", False),
    ],
)
def test_letter_or_question(text: str, letter: bool) -> None:
    assert looks_like_letter(text) is letter


# --- responses in the domain ----------------------------------------------------------------

SLOT_VARIABLES = {"telefon"}


def test_every_planned_reply_exists_with_its_variables(
    nlp: Any, glossary: Glossary, lawbook: LawBook, responses: Dict[str, Any]
) -> None:
    texts = [
        LETTER,
        PARTSHOERING,
        PLAN,
        NO_APPEAL,
        "Hvad betyder skøn?",
        "Hvad er klagefristen?",
        "Hvad betyder x?",
        "hvad betyder det så for mig?",
        "Kære Hanne Jensen\nAfgørelse om hjemmehjælp\nVi har truffet afgørelse i din sag. "
        "Du får bevilget 10 timers hjælp om ugen efter servicelovens § 83.",
        "Kære Hanne Jensen\nAfgørelse om hjemmehjælp\nVi har truffet afgørelse i din sag. "
        "Du får bevilget 2 timer, men ikke de 5 timer, du søgte om, efter servicelovens § 83.",
        "/forstaa_afgoerelse",
        "a" * 20_001,
        "Jeg fik brevet i dag.\n" + LETTER,
    ]
    seen = set()
    for text in texts:
        for today in (TODAY, date(2027, 6, 1)):
            for name, values in run(text, nlp, glossary, lawbook, today=today):
                seen.add(name)
                assert name in responses, name
                wanted = set(re.findall(r"\{(\w+)\}", responses[name][0]["text"]))
                assert wanted - SLOT_VARIABLES <= set(values), (name, wanted, values)
    explain_responses = {n for n in responses if n.startswith("utter_explain_")}
    assert seen >= {n for n in explain_responses if n != "utter_explain_law_unknown"} - {
        "utter_explain_letter_no_terms",
        "utter_explain_letter_no_deadlines",
        "utter_explain_deadline_unknown",
        "utter_explain_law_general",
    }


# "... siger ikke, om afgørelsen er rigtig eller forkert", "Hverken jeg eller ... siger, om ...":
# a negation before the words, in the same sentence.
NOT_JUDGING = re.compile(r"\b(ikke|[Hh]verken)\b[^.]*\bom afgørelsen er rigtig eller forkert")


@pytest.mark.parametrize(
    "text",
    [
        LETTER,
        PARTSHOERING,
        PLAN,
        NO_APPEAL,
        "Hvad betyder skøn?",
        "Hvad betyder flodhest?",
        "Jeg forstår ikke mit brev",
        "/forstaa_afgoerelse",
        "a" * 20_001,
    ],
)
def test_every_answer_says_we_do_not_judge_the_decision(
    text: str, nlp: Any, glossary: Glossary, lawbook: LawBook, responses: Dict[str, Any]
) -> None:
    rendered = " ".join(
        explain_module.render_reply(r, responses) for r in run(text, nlp, glossary, lawbook)
    )
    assert NOT_JUDGING.search(rendered), rendered


def test_next_steps_buttons(responses: Dict[str, Any]) -> None:
    buttons = responses["utter_explain_next_steps"][0]["buttons"]
    assert [b["payload"] for b in buttons] == [
        "/book_meeting",
        "/klagevejledning",
        "/request_fuldmagt",
    ]


def test_domain_declares_intents_and_action() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert {"forstaa_afgoerelse", "indsat_brev"} <= set(domain["intents"])
    assert "action_explain" in domain["actions"]


# --- command line ---------------------------------------------------------------------------


@pytest.fixture
def blank_cli(monkeypatch: pytest.MonkeyPatch, nlp: Any) -> None:
    monkeypatch.setattr(explain_module, "load_nlp", lambda: nlp)


def test_cli_json_for_text(blank_cli: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert explain_cli(["--json", "--today", "2026-11-26", "Hvad", "betyder", "hjemvist?"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["terms"][0]["term"] == "hjemvisning"
    assert out == {"terms": out["terms"], "deadlines": [], "laws": [], "complaint_body": None}


def test_cli_json_for_a_file(
    blank_cli: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter = tmp_path / "brev.txt"
    letter.write_text(LETTER, encoding="utf-8")
    assert explain_cli(["--json", "--today", "2026-11-26", str(letter)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["complaint_body"] == "Ankestyrelsen"
    assert out["deadlines"][0] == {"text": "inden 4 uger", "days": 28, "date": "2026-12-10"}


def test_cli_reads_stdin(
    blank_cli: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PLAN))
    assert explain_cli(["--json", "--today", "2026-11-26", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["complaint_body"] == "Planklagenævnet"


def test_cli_readable_danish_text(blank_cli: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert explain_cli(["--today", "2026-11-26", "Hvad betyder partshøring?"]) == 0
    out = capsys.readouterr().out
    assert out.startswith('Om ordet "partshøring":\nPartshøring betyder, at kommunen viser dig')
    assert "Hvad det betyder for dig:\nLæs oplysningerne" in out
    assert re.search(r"regler[^.]*\bpartshøring\b[^.]*står i forvaltningsloven § 19\.", out)
    assert NOT_JUDGING.search(out)
    assert "[Book et møde med en rådgiver] (/book_meeting)" in out


def test_cli_unknown_term_uses_the_office_phone(
    blank_cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert explain_cli(["Hvad betyder flodhest?"]) == 0
    assert "ring på 99 31 16 18" in capsys.readouterr().out.lower()


def test_cli_too_long(blank_cli: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert explain_cli(["--json", "x" * 20_001]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["error"] == "too_long"
    assert "20.000 tegn" in out["message"]


def test_cli_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert explain_cli(["--today", "i morgen", "tekst"]) == 2
    assert "--today" in capsys.readouterr().err


# --- laws -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "efter servicelovens § 97, stk. 1.",
            [
                (
                    "servicelovens § 97, stk. 1",
                    "serviceloven",
                    "§ 97, stk. 1",
                    "ledsagelse, op til 15 timer om måneden",
                )
            ],
        ),
        (
            "jf. § 19, stk. 1, i forvaltningsloven",
            [
                (
                    "§ 19, stk. 1, i forvaltningsloven",
                    "forvaltningsloven",
                    "§ 19, stk. 1",
                    "partshøring – du skal høres om oplysninger, der taler imod dig",
                )
            ],
        ),
        (
            "§§ 83 og 84 i lov om social service",
            [
                (
                    "§§ 83 og 84 i lov om social service",
                    "serviceloven",
                    "§§ 83 og 84",
                    "personlig hjælp og pleje, praktisk hjælp i hjemmet og madservice; "
                    "aflastning og afløsning",
                )
            ],
        ),
        (
            "SEL § 83 a",
            [
                (
                    "SEL § 83 a",
                    "serviceloven",
                    "§ 83 a",
                    "rehabiliteringsforløb, der skal gøre dig bedre i stand til at klare dig selv",
                )
            ],
        ),
        ("Barnets lovs § 32", [("Barnets lovs § 32", "barnets lov", "§ 32", None)]),
        ("lokalplanens § 7.2", [("lokalplanens § 7.2", "lokalplanen", "§ 7.2", None)]),
        ("efter serviceloven", [("serviceloven", "serviceloven", None, None)]),
        ("se § 7, stk. 3", [("§ 7, stk. 3", None, "§ 7, stk. 3", None)]),
        ("lokalplan nr. 4-3-112", []),
        (
            "servicelovens § 97. Se også § 97, stk. 2, i serviceloven.",
            [
                (
                    "servicelovens § 97",
                    "serviceloven",
                    "§ 97",
                    "ledsagelse, op til 15 timer om måneden",
                )
            ],
        ),
    ],
)
def test_law_references(lawbook: LawBook, text: str, expected: List[Any]) -> None:
    assert [
        (r.text, r.law, r.paragraph, r.paragraph_about) for r in lawbook.find_laws(text)
    ] == expected


def test_law_names_in_plain_words(lawbook: LawBook) -> None:
    ref = lawbook.find_laws("retssikkerhedslovens § 67")[0]
    assert ref.law_name == (
        "Lov om retssikkerhed og administration på det sociale område (retssikkerhedsloven)"
    )
    assert ref.paragraph_about == "klagefristen på 4 uger"
    assert ref.law_about is not None and ref.law_about.startswith("Retssikkerhedsloven")
