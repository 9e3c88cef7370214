"""Competence check: can the borgerrådgiver help, and if not, where to go?

Plain, deterministic Python. Input: the NLU parse of what the citizen wrote
(intent ranking and text), the reference day and what the conversation has
established so far. Output: a ``Decision`` with the route label (as in
``shared/eval/README.md``), the reason and statute reference from
``content/competence.yml``, other routes worth mentioning, and at most one
clarifying question for the chat.

The order of the rules:
1. The NLU intent decides the main route when it is confident; when it is not,
   the keywords of ``content/competence.yml`` choose among the likely routes,
   else the coarse destination with the most
   probability (the four advisor routes together, vedtægt § 7, stk. 2 and § 8).
   bench/routing_rules.py measures each of these choices.
2. A complaint from someone writing as the kommune's employee is a
   personalesag (§ 7, stk. 3, nr. 2); a matter about another municipality is
   outside (it does not concern Aalborg Kommune).
3. § 13: a complaint about the kommune that ended more than a year ago is
   ``for_gammel_sag`` (the exceptions of stk. 2-3 are mentioned).
4. Other likely routes are mentioned, not ignored (a mixed matter).
5. The chat asks one question when it matters: decision or treatment?
   did the matter end more than a year ago? did you try the administration
   first (§ 14)?
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Dict, List, Sequence, Tuple

from bot.features.competence.content import (
    BORGERRAADGIVER,
    COMPLAINT_ROUTES,
    DECISION_ROUTE,
    PRIVATE,
    TOO_OLD,
    BodyData,
    CompetenceData,
)
from bot.language.periods import find_periods, more_than_a_year_ago
from bot.language.tone import is_upset

# Routes the 1-year rule applies to: complaints about Aalborg Kommune.
AGE_RULE_ROUTES = (
    "borgerraadgiver_klage_sagsbehandling",
    "borgerraadgiver_klage_adfaerd",
    "borgerraadgiver_klagevejledning",
    "ankestyrelsen",
)
# Routes about the kommune that an employee's own matter can be mistaken for.
EMPLOYEE_RULE_ROUTES = (
    *COMPLAINT_ROUTES,
    "borgerraadgiver_klagevejledning",
    "ankestyrelsen",
    "ombudsmanden",
    "domstolene",
)

CONFIDENT = 0.6
# Below this the NLU's best routing intent is no more than a guess.
GUESS = 0.3
MENTION_MIN = 0.2
# A keyword mention also needs the NLU to see the route as at least this likely.
KEYWORD_MENTION_MIN = 0.05
CLOSE_CALL = 0.2
# From this many words a message may tell several matters: each route its keywords name
# is mentioned, however unlikely the classifier finds it.
SEVERAL_MATTERS_WORDS = 40
# Measured with bench/routing_rules.py (cross-validated data/nlu, shared/eval/routing_dev.yml,
# bench/data/routing_holdout.yml; never the frozen set), 2026-12-01, each switched off in
# turn: the keywords as a whole change no more than 3 of 1 876 routes either way, and which
# lists look best changes from one training data round to the next (noise), so they stay
# as the office wrote them (content/competence.yml); USE_KEYWORDS switches them off.
USE_KEYWORDS = True
# When unsure, the coarse destination with the most probability is chosen (_by_coarse):
# one more right on routing_dev.yml and on the coarse level of the CV, none fewer.
COARSE_MASS = True

QUESTION_KIND = "kind"  # the decision itself, or how you were treated?
QUESTION_ENDED = "ended"  # did it end more than a year ago?
QUESTION_DIALOGUE = "dialogue"  # did you try the administration first (§ 14)?
QUESTION_WHAT = "what"  # an upset message the NLU is unsure of: what happened?


@dataclass(frozen=True)
class Parse:
    """What the NLU made of a message."""

    text: str
    ranking: Tuple[Tuple[str, float], ...] = ()

    @classmethod
    def from_rasa(cls, parse_data: Dict[str, Any]) -> Parse:
        ranking = parse_data.get("intent_ranking") or []
        pairs = [
            (r.get("name"), float(r.get("confidence") or 0.0)) for r in ranking if r.get("name")
        ]
        if not pairs and (parse_data.get("intent") or {}).get("name"):
            intent = parse_data["intent"]
            pairs = [(intent["name"], float(intent.get("confidence") or 0.0))]
        return cls(text=parse_data.get("text") or "", ranking=tuple(pairs))


@dataclass(frozen=True)
class Context:
    """What the conversation has established (from slots)."""

    dialogue_tried: bool | None = None
    ended_over_a_year_ago: bool | None = None
    asked: Tuple[str, ...] = ()


@dataclass
class Decision:
    route: str
    coarse: str
    reason: str
    paragraph: str | None
    how: str
    body: BodyData | None = None
    confident: bool = True
    also: List[str] = field(default_factory=list)
    question: str | None = None
    dialogue_first: bool = False
    on_behalf: bool = False
    period: str | None = None
    original_route: str | None = None
    about_decision: bool = False
    upset: bool = False

    def as_json(self, text: str) -> Dict[str, Any]:
        return {
            "text": text,
            "route": self.route,
            "coarse": self.coarse,
            "reason": self.reason,
            "paragraph": self.paragraph,
        }


_ANOTHER_MUNICIPALITY = re.compile(r"\b(?!aalborg\b)([a-zæøå]+(?:-[a-zæøå]+)?)\s+kommunes?\b")
# Denmark's other 97 municipalities (Danmarks Statistik, "Kommuner"), for "jobcentret i
# Brønderslev" and "kommunen i Hjørring", where the word "kommune" does not follow the name.
OTHER_MUNICIPALITIES = frozenset(
    """albertslund allerød assens ballerup billund bornholm brøndby brønderslev dragør egedal
    esbjerg fanø favrskov faxe fredensborg fredericia frederiksberg frederikshavn frederikssund
    furesø faaborg-midtfyn gentofte gladsaxe glostrup greve gribskov guldborgsund haderslev
    halsnæs hedensted helsingør herlev herning hillerød hjørring holbæk holstebro horsens
    hvidovre høje-taastrup hørsholm ikast-brande ishøj jammerbugt kalundborg kerteminde kolding
    københavn køge langeland lejre lemvig lolland lyngby-taarbæk læsø mariagerfjord middelfart
    morsø norddjurs nordfyns nyborg næstved odder odense odsherred randers rebild
    ringkøbing-skjern ringsted roskilde rudersdal rødovre samsø silkeborg skanderborg skive
    slagelse solrød sorø stevns struer svendborg syddjurs sønderborg thisted tønder tårnby
    vallensbæk varde vejen vejle vesthimmerland viborg vordingborg ærø aabenraa aarhus""".split()  # noqa: SIM905
)
_OFFICE_IN = re.compile(
    r"\b(?:kommunen|kommune|jobcent\w*|borgerservice|rådhuset|ydelseskontoret|hjemmeplejen"
    r"|familieafdelingen|socialforvaltningen)\s+(?:i\s+)?([a-zæøå]+(?:-[a-zæøå]+)?)\b"
)


def _folded(word: str) -> set[str]:
    """The spellings of a name without æ, ø, å: "hjørring", "hjoerring", "hjorring"."""
    two = word.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    one = word.replace("æ", "a").replace("ø", "o").replace("å", "a")
    return {word, two, one}


# The names as citizens type them, also without æøå ("hjoerring", "koebenhavn").
_OTHER_SPELLINGS = frozenset(v for name in OTHER_MUNICIPALITIES for v in _folded(name))
_ANOTHER_MUNICIPALITY_WORDS = re.compile(
    r"\b(en anden kommune|min gamle kommune|den kommune jeg boede i)\b"
)
_NOT_MUNICIPALITY_NAMES = {
    "min",
    "vores",
    "jeres",
    "den",
    "denne",
    "hele",
    "i",
    "af",
    "fra",
    "til",
    "en",
}
_TRIED_DIALOGUE = re.compile(
    r"\b(har|havde|jeg)\b[^.!?]{0,40}\b(klaget|skrevet|ringet|talt|snakket|henvendt|kontaktet|rykket|"
    r"spurgt|mailet|sendt en mail|prøvet at løse|bedt om|ringer|skriver|rykker|mailer|"
    r"kontakter|spørger)\b"
)
_APPEAL_BODY = re.compile(
    r"(ankestyrelse|nævnenes hus|klagenævn|borgerrådgive|styrelse|udbetaling danmark|"
    r"familieretshus|tilsyn|ombudsmand)"
)
# The writer speaks as an employee of the kommune (§ 7, stk. 3, nr. 2).
_EMPLOYEE = re.compile(
    r"\b(som medarbejder|som ansat|jeg er ansat|jeg arbejder (som|i|på|hos)|min chef|min leder"
    r"|mine kolleg\w*|min kollega|min arbejdsplads|mit job i kommunen|min arbejdsgiver"
    r"|min ansættelse|min løn)\b"
)
_KOMMUNE = re.compile(r"\b(kommunen|aalborg kommune|kommunens)\b")
# The message speaks of a decision: then "the advisor cannot change decisions" helps.
_DECISION_WORDS = re.compile(
    r"(afgørelse|afslag|afvist|bevilg|frakend|nedsat|stoppet|ophør|genvurder|ændre? (min|en) )"
)
# Routes where the advisor's limit on decisions is part of the answer (§ 7, stk. 3).
DECISION_LIMIT_ROUTES = ("borgerraadgiver_klagevejledning", "borgerraadgiver_forstaa_afgoerelse")
_ENDED = re.compile(
    r"\b(afsluttet|afsluttede|lukket|lukkede|sluttede|slut|afgjort|ophørt|ophørte)\b"
)
_ON_BEHALF = re.compile(
    r"\b(på vegne af|på hans vegne|på hendes vegne|for en anden|min mor|min far|mine forældre|"
    r"min søn|min datter|mit barn|mine børn|min mand|min kone|min hustru|min kæreste|min bror|"
    r"min søster|min nabo|min ven|min veninde|pårørende|min bedstemor|min bedstefar)\b"
)


def keyword_hits(text: str, data: CompetenceData) -> Dict[str, int]:
    low = text.lower()
    hits: Dict[str, int] = {}
    for label, route in data.routes.items():
        n = sum(1 for kw in route.keywords if re.search(r"\b" + re.escape(kw.lower()), low))
        if n:
            hits[label] = n
    return hits


def _candidates(parse: Parse, data: CompetenceData) -> List[Tuple[str, float]]:
    out: List[Tuple[str, float]] = []
    for intent, conf in parse.ranking:
        label = data.route_for_intent(intent)
        if label:
            out.append((label, conf))
    return out


def _by_coarse(candidates: Sequence[Tuple[str, float]], data: CompetenceData) -> str:
    """The best route of the coarse destination with the most probability.

    Four routes share the coarse destination "borgerraadgiver"; when the NLU spreads a
    message over them (0.3 sagsbehandling, 0.25 adfærd) and one redirect has a little
    more (0.35 privatretlig), the message most likely belongs with the advisor, and the
    best of the four is taken (they are one destination: vedtægt § 7, stk. 2 and § 8)."""
    mass: Dict[str, float] = {}
    for label, conf in candidates:
        coarse = data.routes[label].coarse
        mass[coarse] = mass.get(coarse, 0.0) + conf
    group = max(mass, key=lambda c: mass[c])
    return next(label for label, _ in candidates if data.routes[label].coarse == group)


def _choose(
    candidates: Sequence[Tuple[str, float]],
    hits: Dict[str, int],
    data: CompetenceData,
    about_kommune: bool = False,
) -> Tuple[str, bool]:
    """The main route and whether the choice is confident.

    A confident intent decides. Otherwise keywords choose among the likely
    intents; a keyword route the NLU does not consider at all is only taken
    when the NLU has nothing better than a guess; with neither, a message
    about the kommune is taken as a complaint about its case handling.
    """
    if candidates and candidates[0][1] >= CONFIDENT:
        return candidates[0][0], True
    if USE_KEYWORDS:
        likely = [label for label, _ in candidates[:3]]
        backed = [label for label in likely if hits.get(label)]
        if backed:
            best = max(backed, key=lambda label: (hits[label], -likely.index(label)))
            return best, best == likely[0] or len(backed) == 1
    if candidates and candidates[0][1] >= GUESS:
        return (_by_coarse(candidates, data) if COARSE_MASS else candidates[0][0]), False
    if hits:
        return max(hits, key=lambda label: hits[label]), False
    if about_kommune:
        # No real guess, but it is about the kommune: a complaint about its handling, the
        # advisor's first task (vedtægt § 7, stk. 2, nr. 1 and § 8, nr. 1).
        return "borgerraadgiver_klage_sagsbehandling", False
    if candidates:
        return (_by_coarse(candidates, data) if COARSE_MASS else candidates[0][0]), False
    return "borgerraadgiver_klage_sagsbehandling", False


def _another_municipality(text: str) -> bool:
    low = text.lower()
    if _ANOTHER_MUNICIPALITY_WORDS.search(low):
        return True
    if any(m.group(1) in _OTHER_SPELLINGS for m in _OFFICE_IN.finditer(low)):
        return True
    return any(
        m.group(1) not in _NOT_MUNICIPALITY_NAMES for m in _ANOTHER_MUNICIPALITY.finditer(low)
    )


def build_route(label: str, data: CompetenceData) -> Decision:
    """The decision for a route chosen by other means (a worked-out deadline question)."""
    return _build(label, data)


def _build(label: str, data: CompetenceData, **extra: Any) -> Decision:
    route = data.routes[label]
    body = data.bodies.get(route.body) if route.body else None
    return Decision(
        route=label,
        coarse=route.coarse,
        reason=route.reason,
        paragraph=route.paragraph,
        how=route.how,
        body=body,
        **extra,
    )


def decide(
    parse: Parse, today: date, data: CompetenceData, context: Context = Context()
) -> Decision:
    """Route one message describing the citizen's matter."""
    text = parse.text
    candidates = _candidates(parse, data)
    hits = keyword_hits(text, data)
    main, confident = _choose(candidates, hits, data, bool(_KOMMUNE.search(text.lower())))

    # Vedtægt § 7, stk. 3, nr. 2: the kommune's personnel and employment matters are
    # outside, also when the NLU heard a complaint about staff or handling.
    if main in EMPLOYEE_RULE_ROUTES and _EMPLOYEE.search(text.lower()):
        main, confident = "personalesag", True

    # Vedtægt § 7, stk. 1: the advisor covers Aalborg Kommune's administration only; a
    # matter about another kommune is outside (bodies that serve the whole country stay).
    if main not in (
        "skat",
        "udbetaling_danmark",
        "ombudsmanden",
        "domstolene",
        "regionen",
        "familieretshuset",
    ) and _another_municipality(text):
        other = data.other_municipality
        decision = _build(PRIVATE, data, confident=confident)
        decision.reason, decision.how = other.reason, other.how
        return decision

    # Vedtægt § 13, stk. 1: a complaint must come within a year of what happened or of
    # the end of the course of events (the exceptions of stk. 2-3 are said in the reply).
    periods = find_periods(text, today)
    old_period = None
    if periods:
        latest = max(periods, key=lambda p: p.end)
        if more_than_a_year_ago(latest.end, today):
            old_period = latest.text
    # The ombudsman comes after an appeal body; with none named, an old
    # matter "I still want to complain about" is an old matter with the kommune.
    age_rule = main in AGE_RULE_ROUTES or (
        main == "ombudsmanden" and not _APPEAL_BODY.search(text.lower())
    )
    too_old = age_rule and (old_period is not None or context.ended_over_a_year_ago is True)

    # Other likely intents are mentioned only when the NLU is sure of the main one;
    # another route with keyword evidence when the NLU finds it plausible too.
    also = [
        label
        for label, conf in candidates[1:4]
        if candidates[0][1] >= CONFIDENT
        and conf >= MENTION_MIN
        and data.routes[label].coarse != data.routes[main].coarse
    ]
    in_ranking = {label for label, conf in candidates if conf >= KEYWORD_MENTION_MIN}
    # A long message often tells several matters; the classifier then sees only the
    # biggest (a "regning fra skat" at the end of a story about home care: round 2, c32).
    several = len(text.split()) >= SEVERAL_MATTERS_WORDS
    for label in hits:
        if (
            label != main
            and label not in also
            and (label in in_ranking or several)
            and data.routes[label].coarse != data.routes[main].coarse
        ):
            also.append(label)
    also = also[:2]

    on_behalf = bool(_ON_BEHALF.search(text.lower()))

    if too_old:
        return _build(
            TOO_OLD,
            data,
            confident=confident,
            also=[],
            period=old_period,
            on_behalf=on_behalf,
            original_route=main,
        )

    decision = _build(main, data, confident=confident, also=also, on_behalf=on_behalf)
    decision.about_decision = bool(_DECISION_WORDS.search(text.lower()))
    decision.upset = is_upset(text)
    unsure_redirect = data.routes[main].coarse != BORGERRAADGIVER and not hits.get(main)
    if decision.upset and (not confident or unsure_redirect) and QUESTION_WHAT not in context.asked:
        # Angry words alone must not pick a redirect: acknowledge and ask what happened.
        decision.question = QUESTION_WHAT
        return decision
    decision.question = _question(decision, candidates, text, context)
    if main in COMPLAINT_ROUTES:
        tried = context.dialogue_tried
        if tried is None and _TRIED_DIALOGUE.search(text.lower()):
            tried = True
        decision.dialogue_first = tried is False
    return decision


def _question(
    decision: Decision, candidates: Sequence[Tuple[str, float]], text: str, context: Context
) -> str | None:
    """At most one clarifying question for the chat, most important first."""
    top = [label for label, _ in candidates[:2]]
    if (
        QUESTION_KIND not in context.asked
        and not decision.confident
        and len(candidates) >= 2
        and candidates[0][1] - candidates[1][1] < CLOSE_CALL
        and DECISION_ROUTE in top
        and any(label in COMPLAINT_ROUTES for label in top)
    ):
        return QUESTION_KIND
    if decision.route not in AGE_RULE_ROUTES:
        return None
    if (
        QUESTION_ENDED not in context.asked
        and context.ended_over_a_year_ago is None
        and _ENDED.search(text.lower())
    ):
        return QUESTION_ENDED
    if (
        decision.route in COMPLAINT_ROUTES
        and QUESTION_DIALOGUE not in context.asked
        and context.dialogue_tried is None
        and not _TRIED_DIALOGUE.search(text.lower())
    ):
        return QUESTION_DIALOGUE
    return None


def follow_up(route: str, data: CompetenceData, context: Context) -> Decision:
    """Decision for a route already chosen, after the citizen answered a question."""
    if route in AGE_RULE_ROUTES and context.ended_over_a_year_ago:
        return _build(TOO_OLD, data, original_route=route)
    decision = _build(route, data)
    if route in COMPLAINT_ROUTES:
        decision.dialogue_first = context.dialogue_tried is False
        if context.dialogue_tried is None and QUESTION_DIALOGUE not in context.asked:
            decision.question = QUESTION_DIALOGUE
    return decision


def likely_route(parse: Parse, data: CompetenceData, top: int = 3) -> str | None:
    """For a message the NLU was unsure of: a route when one of its likely routing
    intents is backed by the keywords of content/competence.yml, else None."""
    hits = keyword_hits(parse.text, data)
    for label, _conf in _candidates(parse, data)[:top]:
        if hits.get(label):
            return label
    return None
