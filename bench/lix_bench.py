"""Readability (LIX) of every citizen-facing text the assistant can send.

    .venv/bin/python bench/lix_bench.py [--json]

LIX = words/sentences + 100 * long words/words; a word is a run of letters or digits, a
long word has more than 6 letters. A sentence ends at . ! ? : before a space (a period only
when no lower-case letter or digit follows: "stk. 3", "kl. 09.00", "den 2. december" go on)
and at every line break (a line in the chat is its own paragraph or list item). URLs,
e-mail addresses, web domains and phone numbers are removed; button titles only counted.
Texts: every response in domain/*.yml with realistic values; every competence route's reply
as the citizen reads it (bot.features.competence.routing.follow_up + plan_messages, as
action_competence sends it, filled by Rasa's interpolator); content/web.yml, the
fuldmagt mail and form, the booking mails. Target: every text <= 40, average <= 30.
A benchmark: always exits 0.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rasa.core.nlg.interpolator import interpolate_text  # noqa: E402

from bot.features.competence.content import PRIVATE, load_competence  # noqa: E402
from bot.features.competence.replies import plan_messages  # noqa: E402
from bot.features.competence.routing import Context, follow_up  # noqa: E402
from bot.features.contact import load_contact  # noqa: E402

DATA = ROOT / "content"
DOMAIN = ROOT / "domain.yml"
TARGET_MAX, TARGET_AVG = 40.0, 30.0
NOT_DANISH = {"utter_other_language"}  # English on purpose: LIX is for Danish
_REMOVE = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+|\b[\w-]+\.(?:dk|com|org)\b|\+?\b\d{2}(?: \d{2}){3}\b|\b\d{8}\b"
)
_WORD = re.compile(r"[^\W_]+")
_END = re.compile(r"[!?:][\"”»)]*(?=\s|$)|\.[\"”»)]*(?=\s*$|\s+[^\s\da-zæøå])|\n")
_PLACEHOLDER = re.compile(r"(?<!{){([^{}\n]+)}(?!})")

Item = Tuple[str, str, str]  # group, id, text
Responses = Dict[str, Tuple[str, List[str]]]  # name -> (domain file, variant texts)


def lix(text: str) -> Tuple[float, int, int, int]:
    """(LIX, words, sentences, long words) of one text."""
    clean = _REMOVE.sub(" ", text)
    words = _WORD.findall(clean)
    if not words:
        return 0.0, 0, 0, 0
    sentences = max(1, sum(1 for part in _END.split(clean) if _WORD.search(part)))
    long_words = sum(1 for w in words if sum(c.isalpha() for c in w) > 6)
    return len(words) / sentences + 100 * long_words / len(words), len(words), sentences, long_words


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _flat(text: str) -> str:  # one line, single spaces
    return " ".join(text.split())


def sample_values() -> Dict[str, str]:
    """Realistic values for every {placeholder}."""
    terms = list(_yaml(DATA / "glossary.yml")["termer"].values())
    laws = _yaml(DATA / "laws.yml")
    law = laws["love"]["serviceloven"]
    booking = _yaml(DATA / "booking.yml")["tekster"]
    mail = "mette@eksempel.dk"
    return {
        **load_contact(DATA / "contact.yml").as_template_vars(),
        "term": terms[0]["term"], "explanation": _flat(terms[0]["forklaring"]),
        "for_dig": _flat(terms[0]["for_dig"]), "hjemmel": terms[0].get("hjemmel", ""),
        "terms": "\n".join(f"- {t['term']}: {_flat(t['forklaring'])}" for t in terms[:3]),
        "frist": "4 uger", "ugedag": "onsdag", "dato": "2. december 2026",
        "modtaget": "4. november 2026", "brevdato": "3. november 2026",
        "tekst": "servicelovens § 83", "lov": law["navn"], "om_loven": _flat(law["om"]),
        "om_paragraffen": law["paragraffer"]["83"], "klageinstans": "Ankestyrelsen",
        "kanaler": "\n".join(f"- {k['tekst']}" for k in list(laws["klagekanaler"].values())[:2]),
        "max_tegn": "20.000", "graense": "20.000",
        "tidspunkt": "onsdag den 2. december kl. 09.00",
        "gammelt_tidspunkt": "tirsdag den 1. december kl. 10.00",
        "sidste_dag": "onsdag den 2. december", "dage": "7", "dage_ord": "dage",
        "moedeform": booking["moedeformer"]["fremmoede"], "sted": "Boulevarden 13, 1. sal",
        "emne": "Min søns skoleskift", "navn": "Mette Sørensen", "reference": "K7M4QX",
        "link": "https://chat.example.dk/bekraeft/x",
        "kontakt": mail, "email": mail, "fuldmagt_email": mail, "raadgiver": "Karina Jensen",
        # the hand-over (content/handover.yml, actions/handover.py)
        "samtykke": _yaml(DATA / "handover.yml")["samtykke"]["tekst"].replace("{dage}", "365"),
        "nummer": "BR-2026-0042", "handover_case": "BR-2026-0042",
        "senest": "torsdag den 3. december", "aabner": "mandag den 7. december kl. 9.00",
    }


def load_responses() -> Responses:
    out: Responses = {}
    for name, variants in (_yaml(DOMAIN).get("responses") or {}).items():
        if name not in NOT_DANISH:
            feature = name.split("_")[1] if name.count("_") > 1 else "general"
            out[name] = (feature, [v["text"] for v in variants if v.get("text")])
    return out


def render(template: str, values: Dict[str, Any]) -> str:
    """The text as Rasa fills it; KeyError when a {placeholder} has no value."""
    missing = set(_PLACEHOLDER.findall(template)) - set(values)
    if missing:
        raise KeyError(", ".join(sorted(missing)))
    return interpolate_text(template, values)


def add(items: List[Item], group: str, ident: str, template: str, values: Dict[str, Any]) -> None:
    """Render one text into items; one with an unknown {placeholder} is reported and skipped."""
    try:
        items.append((group, ident, render(template, values)))
    except KeyError as exc:
        print(f"warning: {ident} skipped: no value for {exc}", file=sys.stderr)


def competence_items(
    responses: Responses, values: Dict[str, str]
) -> Tuple[List[Item], Dict[str, Dict[str, Any]]]:
    """Each route's whole reply (all its messages), and the variables seen per response."""
    data = load_competence(DATA / "competence.yml")
    seen: Dict[str, Dict[str, Any]] = {}
    items: List[Item] = []
    for name, label in [(r, r) for r in data.routes] + [("andre_kommuner", PRIVATE)]:
        decision = follow_up(label, data, Context(dialogue_tried=True))
        if name == "andre_kommuner":  # as routing.decide does for another kommune
            decision.reason = data.other_municipality.reason
            decision.how = data.other_municipality.how
        plan = plan_messages(decision, data)
        for response, variables in plan:
            seen.setdefault(response, variables)
        text = "\n".join(render(responses[r][1][0], {**values, **v}) for r, v in plan)
        items.append(("competence routes", f"route:{name}", text))
    for label, route in data.routes.items():  # a mention is a message of its own
        mention = {"mention": route.mention}
        seen.setdefault("utter_competence_also", mention)
        add(items, "competence routes", f"mention:{label}",
            responses["utter_competence_also"][1][0], mention)
    return items, seen


# content/web.yml entries that are labels, not sentences (not counted).
WEB_LABELS = ("_titel", "_knap", "_du", "_assistent")


def data_items(values: Dict[str, str]) -> List[Item]:
    """Chat page messages, fuldmagt e-mail and form, booking e-mails."""
    items: List[Item] = []
    for key, text in _yaml(DATA / "web.yml").items():
        if key.endswith(WEB_LABELS):  # a heading, a button, a speaker: like button titles
            continue
        add(items, "content/web.yml", key, text, values)
    fuldmagt = _yaml(DATA / "fuldmagt.yml")
    mail = [*fuldmagt["mail"]["afsnit"], fuldmagt["mail"].get("fodnote") or ""]
    add(items, "content/fuldmagt.yml", "mail", "\n".join(mail), values)
    pdf = [fuldmagt["pdf"]["indledning"]] + [
        "\n".join([s.get("tekst", ""), *s.get("punkter", []), s.get("note", "")])
        for s in fuldmagt["pdf"]["sektioner"]
    ]
    add(items, "content/fuldmagt.yml", "pdf", "\n".join(pdf), values)
    texts = _yaml(DATA / "booking.yml")["tekster"]
    for key in ("mail_tekst_bekraeftelse", "mail_tekst_flyttet", "mail_tekst_aflyst",
                "kalender_beskrivelse", "sted_telefon", "mail_tekst_bekraeft_adresse"):
        add(items, "content/booking.yml", key, texts[key], values)
    return items


def collect() -> Tuple[List[Item], List[str]]:
    values, responses = sample_values(), load_responses()
    items: List[Item] = []
    seen: Dict[str, Dict[str, Any]] = {}
    try:
        route_items, seen = competence_items(responses, values)
        items += route_items
    except Exception as exc:  # content/competence.yml is edited elsewhere; report, go on
        print(f"warning: competence routes skipped: {str(exc).splitlines()[0]}", file=sys.stderr)
    for name, (file, variants) in responses.items():
        for i, template in enumerate(variants):
            ident = name if len(variants) == 1 else f"{name}#{i}"
            add(items, f"domain.yml {file}", ident, template, {**values, **seen.get(name, {})})
    buttons = sorted({b["title"] for vs in (_yaml(DOMAIN).get("responses") or {}).values()
                      for v in vs for b in v.get("buttons", [])})
    return items + data_items(values), buttons


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print a machine-readable summary")
    args = parser.parse_args()
    items, buttons = collect()
    rows = sorted(((lix(t), g, i, t) for g, i, t in items), key=lambda r: -r[0][0])
    scores = [r[0][0] for r in rows]
    groups: Dict[str, List[float]] = {}
    for r in rows:
        groups.setdefault(r[1], []).append(r[0][0])
    summary: Dict[str, Any] = {
        "count": len(rows), "average": round(statistics.mean(scores), 1),
        "max": round(max(scores), 1), "over_target": sum(s > TARGET_MAX for s in scores),
        "target": {"max": TARGET_MAX, "average": TARGET_AVG},
        "groups": {g: {"count": len(s), "average": round(statistics.mean(s), 1),
                       "max": round(max(s), 1)} for g, s in sorted(groups.items())},
        "texts": [{"group": g, "id": i, "lix": round(s[0], 1), "words": s[1], "sentences": s[2],
                   "long_words": s[3]} for s, g, i, _t in rows],
        "button_titles": len(buttons),
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    print(f"LIX of {len(rows)} texts (target: each <= {TARGET_MAX:.0f}, average <= "
          f"{TARGET_AVG:.0f})\n\nWorst 15:")
    for (score, words, sentences, long_words), group, ident, text in rows[:15]:
        print(f"  {score:5.1f}  {group:21} {ident:34} w={words} s={sentences} "
              f"long={long_words}  {_flat(text)[:70]}")
    print("\nPer group:")
    for group, g in summary["groups"].items():
        print(f"  {group:22} n={g['count']:3}  average {g['average']:5.1f}  max {g['max']:5.1f}")
    print(f"\naverage {summary['average']}, max {summary['max']}, over {TARGET_MAX:.0f}: "
          f"{summary['over_target']} of {len(rows)} ({len(buttons)} button titles not counted)")


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # a benchmark: report a broken data file, never fail the run
        print(f"lix_bench: could not render the texts: {exc!r}", file=sys.stderr)
    sys.exit(0)
