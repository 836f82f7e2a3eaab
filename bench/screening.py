"""How long screening a review of 3,000 characters takes, against reading its words alone.

    .venv/bin/python bench/screening.py

The text is the longest a review may be, with roster names, other names, titles, a phone
number, an e-mail address, a claim number, words that are also names and a clinic's name. The
baseline, timed in the same run and alternating with it, is finding the words of the same text
and folding their case with the standard library (``re.findall``, ``str.casefold``), the least
any screening must do; it does not depend on the code measured, so ratios of two versions of
the screening can be compared. The medians of both and their ratio are printed.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from caretime.core.redaction import RosterPerson, screen

ROSTER = (
    RosterPerson("Jane", "Doe", "DPT"),
    RosterPerson("Marcus", "Whitfield", "PT"),
    RosterPerson("Grace", "Okafor", "PTA"),
    RosterPerson("Jennifer", "Alvarez", "CCC-SLP"),
)
TEXT = (
    "I came to this clinic after my knee replacement and my therapist Kayla was wonderful. "
    "Jane Doe, DPT, did my evaluation and Dr. Patel's referral was handled well; Jenny A. and "
    "Dr. Witfield too. Call (312) 555-0199 or write to billing@lakesidept.com about claim #A1234567. "
    "Will they call back? Grace period is short, and in May the parking at Johnson Physical Therapy "
    "next door is full. "
) * 10
ROUNDS = 100


def timed(work: Callable[[], object], times: list[float]) -> None:
    began = time.perf_counter()
    work()
    times.append(time.perf_counter() - began)


def main() -> None:
    text = TEXT[:3000]
    screen(text, roster=ROSTER)  # the word lists are read once, before the clock
    screening: list[float] = []
    baseline: list[float] = []
    for _ in range(ROUNDS):
        timed(lambda: [word.casefold() for word in re.findall(r"\w+", text)], baseline)
        timed(lambda: screen(text, roster=ROSTER, clinic_names=["Johnson Physical Therapy"]), screening)
    base, screened = statistics.median(baseline), statistics.median(screening)
    print(f"words (baseline): median {base * 1000:.3f} ms")
    print(f"screen: median {screened * 1000:.2f} ms, {screened / base:.1f}x the baseline")


if __name__ == "__main__":
    main()
