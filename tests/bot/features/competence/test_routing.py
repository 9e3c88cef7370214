from datetime import date
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from bot.core.settings import ROOT
from bot.features.competence.content import CompetenceData, load_competence
from bot.features.competence.replies import plan_messages
from bot.features.competence.routing import (
    QUESTION_DIALOGUE,
    QUESTION_ENDED,
    QUESTION_KIND,
    Context,
    Parse,
    decide,
    follow_up,
    likely_route,
)

TODAY = date(2026, 11, 26)
DATA_FILE = ROOT / "content" / "competence.yml"
EVAL_ROUTES = {
    "borgerraadgiver_klage_sagsbehandling",
    "borgerraadgiver_klage_adfaerd",
    "borgerraadgiver_forstaa_afgoerelse",
    "borgerraadgiver_klagevejledning",
    "ankestyrelsen",
    "familieretshuset",
    "skat",
    "udbetaling_danmark",
    "naevnenes_hus",
    "regionen",
    "ombudsmanden",
    "domstolene",
    "politisk_serviceniveau",
    "personalesag",
    "for_gammel_sag",
    "ikke_kommunen_privat",
}


@pytest.fixture(scope="module")
def data() -> CompetenceData:
    return load_competence(DATA_FILE)


def parse(text: str, *ranking: tuple[str, float]) -> Parse:
    return Parse(text=text, ranking=tuple(ranking))


# The parse for a message with nothing special in it, for a given intent.
def confident(intent: str, text: str = "det handler om min sag") -> Parse:
    return parse(text, (intent, 0.92), ("chitchat", 0.03))


def test_route_labels_are_exactly_the_evaluation_labels(data: CompetenceData) -> None:
    assert set(data.routes) == EVAL_ROUTES


@pytest.mark.parametrize(
    ("intent", "route", "coarse"),
    [
        ("klage_sagsbehandling", "borgerraadgiver_klage_sagsbehandling", "borgerraadgiver"),
        ("klage_adfaerd", "borgerraadgiver_klage_adfaerd", "borgerraadgiver"),
        ("forstaa_afgoerelse", "borgerraadgiver_forstaa_afgoerelse", "borgerraadgiver"),
        ("klagevejledning", "borgerraadgiver_klagevejledning", "borgerraadgiver"),
        ("uenig_afgoerelse", "ankestyrelsen", "ankestyrelsen"),
        ("familieret", "familieretshuset", "familieretshuset"),
        ("skat", "skat", "skat"),
        ("udbetaling_danmark", "udbetaling_danmark", "udbetaling_danmark"),
        ("byg_miljoe", "naevnenes_hus", "naevnenes_hus"),
        ("sundhed", "regionen", "regionen"),
        ("ombudsmand", "ombudsmanden", "ombudsmanden"),
        ("domstol", "domstolene", "domstolene"),
        ("politisk_serviceniveau", "politisk_serviceniveau", "politisk_serviceniveau"),
        ("personalesag", "personalesag", "personalesag"),
        ("privatretlig", "ikke_kommunen_privat", "ikke_kommunen_privat"),
    ],
)
def test_confident_intent_decides_the_route(
    data: CompetenceData, intent: str, route: str, coarse: str
) -> None:
    decision = decide(confident(intent), TODAY, data)
    assert (decision.route, decision.coarse) == (route, coarse)
    assert decision.reason == data.routes[route].reason
    assert decision.paragraph == data.routes[route].paragraph


@pytest.mark.parametrize(
    ("route", "paragraph_part"),
    [
        ("borgerraadgiver_klage_sagsbehandling", "§ 7, stk. 2, nr. 1 og 3"),
        ("borgerraadgiver_klage_adfaerd", "§ 7, stk. 2, nr. 2 og 4"),
        ("borgerraadgiver_forstaa_afgoerelse", "§ 8, nr. 3"),
        ("borgerraadgiver_klagevejledning", "§ 8, nr. 2"),
        ("ankestyrelsen", "§ 7, stk. 3, nr. 3"),
        ("ombudsmanden", "§ 7, stk. 3, nr. 4"),
        ("domstolene", "§ 7, stk. 3, nr. 4"),
        ("politisk_serviceniveau", "§ 7, stk. 3, nr. 1"),
        ("personalesag", "§ 7, stk. 3, nr. 2"),
        ("for_gammel_sag", "§ 13"),
    ],
)
def test_statute_references(data: CompetenceData, route: str, paragraph_part: str) -> None:
    assert paragraph_part in (data.routes[route].paragraph or "")


def test_redirects_name_a_body_with_contact(data: CompetenceData) -> None:
    for intent in (
        "uenig_afgoerelse",
        "familieret",
        "skat",
        "udbetaling_danmark",
        "byg_miljoe",
        "sundhed",
        "ombudsmand",
        "domstol",
    ):
        decision = decide(confident(intent), TODAY, data)
        assert decision.body is not None, intent
        assert decision.body.web.startswith("https://")


def test_keywords_decide_when_nlu_is_unsure(data: CompetenceData) -> None:
    p = parse(
        "min boligstøtte er sat ned",
        ("klage_sagsbehandling", 0.35),
        ("udbetaling_danmark", 0.30),
        ("skat", 0.2),
    )
    assert decide(p, TODAY, data).route == "udbetaling_danmark"


def test_unsure_without_keywords_takes_the_best_intent_but_is_not_confident(
    data: CompetenceData,
) -> None:
    decision = decide(
        parse("øh det er noget med kommunen", ("skat", 0.4), ("sundhed", 0.3)), TODAY, data
    )
    assert decision.route == "skat"
    assert not decision.confident


def test_another_municipality_is_outside(data: CompetenceData) -> None:
    decision = decide(
        confident("klage_sagsbehandling", "Aarhus Kommune svarer aldrig"), TODAY, data
    )
    assert decision.route == "ikke_kommunen_privat"
    assert decision.reason == data.other_municipality.reason
    assert (
        decide(
            confident("klage_sagsbehandling", "Aalborg Kommune svarer aldrig"), TODAY, data
        ).route
        == "borgerraadgiver_klage_sagsbehandling"
    )


@pytest.mark.parametrize(
    "text",
    [
        "min sag blev afsluttet i 2022",
        "for tre år siden behandlede de mig dårligt",
        "det skete i januar sidste år",
    ],
)
def test_one_year_rule(data: CompetenceData, text: str) -> None:
    decision = decide(confident("klage_sagsbehandling", text), TODAY, data)
    assert decision.route == "for_gammel_sag"
    assert decision.original_route == "borgerraadgiver_klage_sagsbehandling"
    assert decision.period
    assert "stk. 2" in decision.how  # the exceptions are mentioned


def test_one_year_rule_applies_to_decisions_too(data: CompetenceData) -> None:
    decision = decide(
        confident("uenig_afgoerelse", "afgørelse om tilbagebetaling fra 2020"), TODAY, data
    )
    assert decision.route == "for_gammel_sag"


def test_recent_matter_is_not_too_old(data: CompetenceData) -> None:
    decision = decide(confident("klage_sagsbehandling", "det skete sidste forår"), TODAY, data)
    assert decision.route == "borgerraadgiver_klage_sagsbehandling"


def test_one_year_rule_does_not_apply_to_other_bodies(data: CompetenceData) -> None:
    decision = decide(confident("skat", "min årsopgørelse for 2019 er forkert"), TODAY, data)
    assert decision.route == "skat"


def test_mixed_matter_mentions_the_other_route(data: CompetenceData) -> None:
    p = parse(
        "jeg er uenig i afslaget og sagsbehandleren var meget nedladende",
        ("uenig_afgoerelse", 0.7),
        ("klage_adfaerd", 0.25),
    )
    decision = decide(p, TODAY, data)
    assert decision.route == "ankestyrelsen"
    assert decision.also == ["borgerraadgiver_klage_adfaerd"]


def test_a_long_message_mentions_every_matter_its_words_name(data: CompetenceData) -> None:
    """QA round 2, c32: a relative tells of a rollator, home care and "en regning fra skat";
    the classifier saw only the care (skat at 0.0), and the tax bill went unmentioned."""
    text = (
        "hej jeg skriver for min far som er 84. han har faaet en ny rollator gennem kommunen "
        "men den er for lille og hjaelpemiddeldepotet kan ikke bytte den foer om 3 mdr, og saa "
        "har hjemmeplejen ogsaa glemt hans medicin 2 gange i denne uge. og saa har han faaet "
        "en regning fra skat han ikke forstaar. hvad kan i hjaelpe med af det"
    )
    p = parse(text, ("klage_sagsbehandling", 0.998), ("skat", 0.0))
    decision = decide(p, TODAY, data)
    assert decision.route == "borgerraadgiver_klage_sagsbehandling"
    assert decision.also == ["skat"]
    # A short message is still the classifier's to judge.
    short = parse("min sag og en regning fra skat", ("klage_sagsbehandling", 0.998), ("skat", 0.0))
    assert decide(short, TODAY, data).also == []


def test_close_call_between_decision_and_handling_asks(data: CompetenceData) -> None:
    p = parse(
        "jeg er utilfreds med min sag om hjemmehjælp",
        ("uenig_afgoerelse", 0.42),
        ("klage_sagsbehandling", 0.38),
    )
    assert decide(p, TODAY, data).question == QUESTION_KIND
    # asked once already: no second time
    assert decide(p, TODAY, data, Context(asked=(QUESTION_KIND,))).question != QUESTION_KIND


def test_asks_about_dialogue_with_the_administration(data: CompetenceData) -> None:
    decision = decide(confident("klage_sagsbehandling", "ingen svarer på mine mails"), TODAY, data)
    assert decision.question == QUESTION_DIALOGUE


def test_no_dialogue_question_when_they_already_tried(data: CompetenceData) -> None:
    text = "jeg har skrevet til min sagsbehandler tre gange uden svar"
    decision = decide(confident("klage_sagsbehandling", text), TODAY, data)
    assert decision.question is None
    assert not decision.dialogue_first


def test_asks_when_an_ended_case_has_no_date(data: CompetenceData) -> None:
    decision = decide(
        confident("klage_adfaerd", "sagen er afsluttet nu men hun var uforskammet"), TODAY, data
    )
    assert decision.question == QUESTION_ENDED


def test_follow_up_dialogue_no_gives_the_section_14_reminder(data: CompetenceData) -> None:
    decision = follow_up(
        "borgerraadgiver_klage_sagsbehandling",
        data,
        Context(dialogue_tried=False, asked=(QUESTION_DIALOGUE,)),
    )
    assert decision.route == "borgerraadgiver_klage_sagsbehandling"
    assert decision.dialogue_first
    assert decision.question is None


def test_follow_up_ended_long_ago_is_too_old(data: CompetenceData) -> None:
    decision = follow_up(
        "borgerraadgiver_klage_adfaerd",
        data,
        Context(ended_over_a_year_ago=True, asked=(QUESTION_ENDED,)),
    )
    assert decision.route == "for_gammel_sag"


def test_follow_up_ended_recently_then_asks_about_dialogue(data: CompetenceData) -> None:
    decision = follow_up(
        "borgerraadgiver_klage_adfaerd",
        data,
        Context(ended_over_a_year_ago=False, asked=(QUESTION_ENDED,)),
    )
    assert decision.route == "borgerraadgiver_klage_adfaerd"
    assert decision.question == QUESTION_DIALOGUE


def test_on_behalf_of_someone_else(data: CompetenceData) -> None:
    decision = decide(
        confident("klage_sagsbehandling", "jeg har ringet for min mor mange gange"), TODAY, data
    )
    assert decision.on_behalf
    names = [name for name, _ in plan_messages(decision, data)]
    assert "utter_competence_on_behalf" in names


def test_plan_within_competence(data: CompetenceData) -> None:
    decision = follow_up("borgerraadgiver_klage_sagsbehandling", data, Context(dialogue_tried=True))
    plan = plan_messages(decision, data)
    # No decision is involved, so "the advisor cannot change decisions" is not said.
    assert [name for name, _ in plan] == [
        "utter_competence_within",
        "utter_competence_next_steps",
    ]
    assert plan[0][1]["paragraph"] == data.routes["borgerraadgiver_klage_sagsbehandling"].paragraph


def test_the_limit_on_decisions_is_said_where_a_decision_is_involved(
    data: CompetenceData,
) -> None:
    guide = plan_messages(decide(confident("klagevejledning"), TODAY, data), data)
    assert "utter_competence_cannot_decide" in [n for n, _ in guide]
    tried = Context(dialogue_tried=True)
    refusal = decide(confident("klage_sagsbehandling", "længe om mit afslag"), TODAY, data, tried)
    assert "utter_competence_cannot_decide" in [n for n, _ in plan_messages(refusal, data)]
    waiting = decide(confident("klage_sagsbehandling", "svarer ikke på mails"), TODAY, data, tried)
    assert "utter_competence_cannot_decide" not in [n for n, _ in plan_messages(waiting, data)]


def test_an_upset_message_is_acknowledged_and_not_sent_to_the_courts(data: CompetenceData) -> None:
    angry_text = "I er nogle idioter, kommunen har ødelagt mit liv"
    angry = decide(confident("domstol", angry_text), TODAY, data)
    assert angry.question == "what"
    assert [n for n, _ in plan_messages(angry, data)] == [
        "utter_competence_acknowledge",
        "utter_competence_ask_what",
    ]
    court_text = "for helvede, jeg vil have erstatning af kommunen"
    court = decide(confident("domstol", court_text), TODAY, data)
    assert court.route == "domstolene"
    assert plan_messages(court, data)[0][0] == "utter_competence_acknowledge"


def test_plan_redirect(data: CompetenceData) -> None:
    plan = plan_messages(decide(confident("familieret"), TODAY, data), data)
    assert plan[0][0] == "utter_competence_redirect_web"  # no sourced phone number
    assert plan[0][1]["body_name"] == "Familieretshuset"
    assert plan[-1][0] == "utter_competence_more_help"


def test_plan_outside_and_too_old_and_question(data: CompetenceData) -> None:
    outside = plan_messages(decide(confident("personalesag"), TODAY, data), data)
    assert [n for n, _ in outside] == ["utter_competence_outside", "utter_competence_more_help"]
    old = plan_messages(decide(confident("klage_adfaerd", "i 2019"), TODAY, data), data)
    assert [n for n, _ in old] == ["utter_competence_too_old", "utter_competence_contact"]
    question = plan_messages(decide(confident("klage_adfaerd", "hun var sur"), TODAY, data), data)
    assert question == [("utter_competence_ask_dialogue", {})]


def test_json_output(data: CompetenceData) -> None:
    out = decide(confident("skat"), TODAY, data).as_json("min skat")
    assert out == {
        "text": "min skat",
        "route": "skat",
        "coarse": "skat",
        "reason": data.routes["skat"].reason,
        "paragraph": data.routes["skat"].paragraph,
    }


def test_from_rasa_parse() -> None:
    p = Parse.from_rasa(
        {
            "text": "hej",
            "intent": {"name": "skat", "confidence": 0.8},
            "intent_ranking": [
                {"name": "skat", "confidence": 0.8},
                {"name": "sundhed", "confidence": 0.1},
            ],
        }
    )
    assert p.ranking == (("skat", 0.8), ("sundhed", 0.1))


def test_data_file_is_validated(tmp_path: Path) -> None:
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    raw["routes"]["skat"]["body"] = "findes_ikke"
    with pytest.raises(ValidationError):
        CompetenceData.parse_obj(raw)
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    del raw["routes"]["for_gammel_sag"]
    with pytest.raises(ValidationError):
        CompetenceData.parse_obj(raw)


def test_old_matter_with_no_appeal_body_is_too_old_even_if_it_sounds_like_the_ombudsman(
    data: CompetenceData,
) -> None:
    text = "min sag blev afsluttet i 2021 men jeg vil stadig klage"
    assert decide(confident("ombudsmand", text), TODAY, data).route == "for_gammel_sag"
    text = "Ankestyrelsen afgjorde min sag i 2021, kan jeg klage videre?"
    assert decide(confident("ombudsmand", text), TODAY, data).route == "ombudsmanden"


def test_likely_route_when_the_nlu_is_unsure(data: CompetenceData) -> None:
    unsure = parse(
        "jeg har ventet 4 måneder på svar",
        ("nlu_fallback", 0.45),
        ("klage_sagsbehandling", 0.24),
        ("sundhed", 0.2),
    )
    assert likely_route(unsure, data) == "borgerraadgiver_klage_sagsbehandling"
    nothing = parse("blå bananer", ("nlu_fallback", 0.45), ("skat", 0.3), ("sundhed", 0.2))
    assert likely_route(nothing, data) is None


@pytest.mark.parametrize(
    "text",
    [
        "min leder på plejehjemmet taler grimt til mig",
        "jeg er ansat i kommunen og mine kolleger holder mig udenfor",
    ],
)
def test_the_writer_as_employee_is_a_personalesag(data: CompetenceData, text: str) -> None:
    assert decide(confident("klage_adfaerd", text), TODAY, data).route == "personalesag"


def test_a_citizen_complaining_about_a_leader_is_not_an_employee(data: CompetenceData) -> None:
    text = "lederen på jobcentret var uforskammet over for mig"
    assert decide(confident("klage_adfaerd", text), TODAY, data).route == (
        "borgerraadgiver_klage_adfaerd"
    )


def test_keywords_the_nlu_does_not_consider_do_not_override_a_fair_guess(
    data: CompetenceData,
) -> None:
    # "lukkede" is not a political closure; the NLU's guess stands.
    p = parse(
        "kommunen lukkede min sag og jeg vil klage over forløbet",
        ("klagevejledning", 0.45),
        ("ask_opening_hours", 0.2),
    )
    assert decide(p, TODAY, data).route == "borgerraadgiver_klagevejledning"
    p = parse("budgettet til skolerne er skåret ned", ("chitchat", 0.2))
    assert decide(p, TODAY, data).route == "politisk_serviceniveau"


def test_an_employees_claim_against_the_kommune_is_a_personalesag(data: CompetenceData) -> None:
    text = "jeg vil sagsøge kommunen for min løn, hvor jeg er ansat som pædagog"
    assert decide(confident("domstol", text), TODAY, data).route == "personalesag"
    private = "min arbejdsgiver i et privat firma har ikke betalt min løn"
    assert decide(confident("privatretlig", private), TODAY, data).route == "ikke_kommunen_privat"


def test_no_real_guess_about_the_kommune_is_a_complaint_about_its_handling(
    data: CompetenceData,
) -> None:
    p = parse("kommunen lavede noget rod i min sag", ("sundhed", 0.24), ("indsat_brev", 0.17))
    assert decide(p, TODAY, data).route == "borgerraadgiver_klage_sagsbehandling"
    old = parse(
        "I 2021 lukkede kommunen min sag, og jeg vil klage over forløbet",
        ("sundhed", 0.24),
        ("indsat_brev", 0.17),
    )
    assert decide(old, TODAY, data).route == "for_gammel_sag"


def test_unsure_between_advisor_routes_and_one_redirect_goes_to_the_advisor(
    data: CompetenceData,
) -> None:
    # together the two advisor routes are likelier than the one redirect (§ 7, stk. 2)
    p = parse(
        "det er noget rod det hele",
        ("privatretlig", 0.35),
        ("klage_sagsbehandling", 0.30),
        ("klage_adfaerd", 0.25),
    )
    decision = decide(p, TODAY, data)
    assert decision.route == "borgerraadgiver_klage_sagsbehandling"
    assert not decision.confident


def test_unsure_with_the_redirect_ahead_of_all_advisor_routes_keeps_the_redirect(
    data: CompetenceData,
) -> None:
    p = parse(
        "det er noget rod det hele",
        ("privatretlig", 0.45),
        ("klage_sagsbehandling", 0.30),
        ("klage_adfaerd", 0.1),
    )
    assert decide(p, TODAY, data).route == "ikke_kommunen_privat"


def test_a_decision_keyword_chooses_between_two_likely_intents(data: CompetenceData) -> None:
    # "afslag" is an Ankestyrelsen keyword (content/competence.yml): when the NLU is unsure
    # between handling and the decision itself, the keyword picks the decision.
    p = parse(
        "min mor har fået afslag på en rollator",
        ("klage_sagsbehandling", 0.45),
        ("uenig_afgoerelse", 0.35),
    )
    assert decide(p, TODAY, data).route == "ankestyrelsen"


@pytest.mark.parametrize(
    "text",
    [
        "Rebild Kommunes jobcenter har mistet mine papirer",
        "jobcentret i Brønderslev svarer ikke på mine mails",
        "kommunen i Hjørring har ikke svaret i tre måneder",
        # without æøå, and without "i" (a round of citizen conversations, 2026-12-01)
        "jeg bor i hjoerring og jobcenter hjoerring har behandlet mig elendigt",
        "jobcentret i hjorring svarer aldrig",
        "borgerservice i koebenhavn har mistet min ansøgning",
    ],
)
def test_another_municipality_named_in_other_ways_is_outside(
    data: CompetenceData, text: str
) -> None:
    # vedtægt § 7, stk. 1: only Aalborg Kommune's administration
    assert decide(confident("klage_sagsbehandling", text), TODAY, data).route == (
        "ikke_kommunen_privat"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Aalborg Kommunes jobcenter har mistet mine papirer",
        "jobcentret i Aalborg svarer ikke",
        "jeg bor i Aarhus men min sag er hos jobcentret her",
        "hele kommunens budget går til noget andet",
    ],
)
def test_aalborg_or_a_town_named_in_passing_is_not_another_municipality(
    data: CompetenceData, text: str
) -> None:
    assert decide(confident("klage_sagsbehandling", text), TODAY, data).route == (
        "borgerraadgiver_klage_sagsbehandling"
    )
