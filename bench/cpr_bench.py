"""How well CPR masking (bot/core/privacy.py) catches CPR numbers, and how many innocent
numbers it masks.

    .venv/bin/python bench/cpr_bench.py [--n 300] [--seed 12]

Two generated corpora (fixed seed), each number inside a Danish sentence:

- CPR numbers spelled the ways issue 12 lists (dashes, minus signs, slashes, Unicode
  and full-width digits, zero-width and thin spaces, soft hyphens, line breaks,
  four-digit years, split serials, no leading zeros, URL and JSON escapes): the
  share masked (detection rate, per spelling and overall);
- innocent numbers a citizen writes (dates followed by amounts or times, KL journal
  numbers, 10-digit case numbers with and without a word saying so, phone numbers,
  CVR, account and invoice numbers, dates, periods, addresses): the share masked
  (false-positive rate, per kind and overall).

Both rates are printed for today's masking and, for comparison, for the pattern before
issue 12 (a single regular expression on the raw text).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.privacy import CPR_MASK, redact  # noqa: E402

# The pattern before issue 12, for comparison.
_OLD_SEP = r"[ \t\u00a0]*[-\u2010\u2011\u2012\u2013\u2014.]?[ \t\u00a0]*"
_OLD_DATE_SEP = r"[ \t\u00a0.\-/]?"
OLD_PATTERN = re.compile(
    r"(?<![0-9])(?:0[1-9]|[12][0-9]|3[01])" + _OLD_DATE_SEP + r"(?:0[1-9]|1[0-2])"
    + _OLD_DATE_SEP + r"[0-9]{2}" + _OLD_SEP + r"[0-9]{4}(?![0-9])"
)  # fmt: skip


def old_redact(text: str) -> str:
    return OLD_PATTERN.sub(CPR_MASK, text)


FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


def json_escaped(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in text)


# How a CPR number (day, month, two-digit year, four-digit year, serial) is spelled.
Spelling = Callable[[str, str, str, str, str], str]
SPELLINGS: Dict[str, Spelling] = {
    "ddmmyy-xxxx": lambda d, m, y, Y, s: f"{d}{m}{y}-{s}",
    "ddmmyyxxxx": lambda d, m, y, Y, s: f"{d}{m}{y}{s}",
    "ddmmyy xxxx": lambda d, m, y, Y, s: f"{d}{m}{y} {s}",
    "dd.mm.yy-xxxx": lambda d, m, y, Y, s: f"{d}.{m}.{y}-{s}",
    "full-width digits": lambda d, m, y, Y, s: f"{d}{m}{y}-{s}".translate(FULL_WIDTH),
    "Arabic-Indic digits": lambda d, m, y, Y, s: f"{d}{m}{y}-{s}".translate(ARABIC_INDIC),
    "Devanagari digits": lambda d, m, y, Y, s: f"{d}{m}{y}-{s}".translate(DEVANAGARI),
    "minus sign U+2212": lambda d, m, y, Y, s: f"{d}{m}{y}\u2212{s}",
    "en dash": lambda d, m, y, Y, s: f"{d}{m}{y}\u2013{s}",
    "slash": lambda d, m, y, Y, s: f"{d}{m}{y}/{s}",
    "underscore": lambda d, m, y, Y, s: f"{d}{m}{y}_{s}",
    "double dash": lambda d, m, y, Y, s: f"{d}{m}{y}--{s}",
    "four-digit year": lambda d, m, y, Y, s: f"{d}{m}{Y}-{s}",
    "split serial": lambda d, m, y, Y, s: f"{d}{m}{y} {s[:2]} {s[2:]}",
    "double space": lambda d, m, y, Y, s: f"{d}{m}{y}  {s}",
    "zero-width space": lambda d, m, y, Y, s: f"{d}{m}\u200b{y}-{s}",
    "soft hyphen": lambda d, m, y, Y, s: f"{d}{m}{y}\u00ad{s}",
    "thin space": lambda d, m, y, Y, s: f"{d}{m}{y}\u2009{s}",
    "narrow no-break space": lambda d, m, y, Y, s: f"{d}{m}{y}\u202f{s}",
    "newline": lambda d, m, y, Y, s: f"{d}{m}{y}\n{s}",
    "no leading zeros": lambda d, m, y, Y, s: f"{int(d)}.{int(m)}.{y}-{s}",
    "URL-encoded %2D": lambda d, m, y, Y, s: f"{d}{m}{y}%2D{s}",
    "JSON \\u escapes": lambda d, m, y, Y, s: json_escaped(f"{d}{m}{y}-{s}"),
    "spaced pairs": lambda d, m, y, Y, s: f"{d} {m} {y} {s[:2]} {s[2:]}",
}

SENTENCES = [
    "Mit cpr er {} og jeg har fået afslag.",
    "Hej, {} - kan I hjælpe mig med min klage?",
    "min søns nummer {} står på brevet",
    "{}",
    '/inform{{"navn": "{}"}}',
]


def random_cpr(rng: random.Random) -> tuple[str, str, str, str, str, str]:
    day = date(1920, 1, 1) + timedelta(days=rng.randrange(0, 105 * 365))
    serial = f"{rng.randrange(0, 10000):04d}"
    return f"{day:%d}", f"{day:%m}", f"{day:%y}", f"{day:%Y}", serial, f"{day:%d%m%y}" + serial


def cpr_corpus(rng: random.Random, n: int) -> Dict[str, List[tuple[str, str]]]:
    corpus: Dict[str, List[tuple[str, str]]] = {}
    for name, spell in SPELLINGS.items():
        items = []
        for _ in range(n):
            d, m, y, Y, s, digits = random_cpr(rng)
            items.append((rng.choice(SENTENCES).format(spell(d, m, y, Y, s)), digits))
        corpus[name] = items
    return corpus


def innocent_corpus(rng: random.Random, n: int) -> Dict[str, List[str]]:
    def a_date() -> date:
        return date(2023, 1, 1) + timedelta(days=rng.randrange(0, 900))

    def amount() -> int:
        return rng.randrange(1000, 10000)

    def time() -> str:
        return f"{rng.randrange(7, 22):02d}{rng.choice([0, 15, 30, 45]):02d}"

    def digits(k: int) -> str:
        return "".join(str(rng.randrange(10)) for _ in range(k))

    kinds: Dict[str, Callable[[], str]] = {
        "date - amount kr": lambda: f"Afgørelsen {a_date():%d.%m.%y} - {amount()} kr blev trukket",
        "date amount kroner": lambda: f"udbetalt {a_date():%d.%m.%Y} {amount()} kroner",
        "date - amount, no kr": lambda: f"den {a_date():%d.%m.%y} - {amount()}",
        "date and time": lambda: f"Brevet kom {a_date():%d.%m.%y} {time()}",
        "date/time with slashes": lambda: f"mødet {a_date():%d/%m/%Y} {time()}",
        "KL journal number": lambda: (
            f"j.nr. {rng.randrange(0, 33):02d}.{rng.randrange(1, 13):02d}."
            f"{rng.randrange(0, 30):02d}-{digits(4)}"
        ),
        "case number, said so": lambda: f"sagsnr. {digits(10)}",
        "case number, no word": lambda: f"min sag {digits(10)} er ikke afgjort",
        "account with reg.nr.": lambda: f"reg.nr. {digits(4)} kontonr. {digits(10)}",
        "phone number": lambda: rng.choice(
            [
                f"Ring på {digits(2)} {digits(2)} {digits(2)} {digits(2)}",
                f"tlf. +45 {digits(8)}",
                f"mobil {digits(4)} {digits(4)}",
            ]
        ),
        "CVR number": lambda: f"CVR {digits(8)}",
        "date alone": lambda: f"fristen er {a_date():%d.%m.%Y}",
        "period": lambda: f"perioden {a_date():%d.%m.%y}-{a_date():%d.%m.%y}",
        "address": lambda: f"Boulevarden {rng.randrange(1, 99)}, 9000 Aalborg",
        "invoice number": lambda: f"faktura {digits(10)}",
    }
    return {name: [make() for _ in range(n)] for name, make in kinds.items()}


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="examples per spelling / kind")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    print(f"CPR numbers ({args.n} per spelling): share masked, today / before issue 12")
    caught_new = caught_old = total = 0
    for name, items in cpr_corpus(rng, args.n).items():
        new = sum(digits_gone(redact(text), d) for text, d in items)
        old = sum(digits_gone(old_redact(text), d) for text, d in items)
        caught_new, caught_old, total = caught_new + new, caught_old + old, total + len(items)
        print(f"  {name:24} {pct(new, len(items)):>7} / {pct(old, len(items)):>7}")
    print(f"  {'detection rate':24} {pct(caught_new, total):>7} / {pct(caught_old, total):>7}")

    print(f"\nInnocent numbers ({args.n} per kind): share masked, today / before issue 12")
    fp_new = fp_old = total = 0
    for name, texts in innocent_corpus(rng, args.n).items():
        new = sum(redact(t) != t for t in texts)
        old = sum(old_redact(t) != t for t in texts)
        fp_new, fp_old, total = fp_new + new, fp_old + old, total + len(texts)
        print(f"  {name:24} {pct(new, len(texts)):>7} / {pct(old, len(texts)):>7}")
    print(f"  {'false-positive rate':24} {pct(fp_new, total):>7} / {pct(fp_old, total):>7}")
    return 0


def digits_gone(masked: str, digits: str) -> bool:
    from bot.core.privacy import normalise

    return digits not in re.sub(r"[^0-9]", "", normalise(masked)[0])


def pct(k: int, n: int) -> str:
    return f"{100 * k / n:.1f} %" if n else "-"


if __name__ == "__main__":
    sys.exit(main())
