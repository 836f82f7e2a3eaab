"""What the differential privacy of the workplace figures costs in accuracy, and what it buys.

    .venv/bin/python bench/workplace_privacy.py            # 1000 clinics per size, OpenDP's noise
    .venv/bin/python bench/workplace_privacy.py --clinics 200 --seeded

For each number of reports (5, 10, 20, 40), simulated clinics each get reports from staff who
mostly agree (each answer is the clinic's own answer, or a neighbouring one in 1 report of 3),
and one publication is made the way the site makes it (``release_bands``, OpenDP's noise
unless --seeded). A published band is compared with the band of the exact median (or share):
"exact" when they are the same, "or neighbour" when it is at most one band away. The figures
for booking density (patients per hour, double-booking), the ones the verdict reads, are
shown apart. The last lines run the differencing attack of tests/workplace/test_differencing.py
with this noise. Results are in docs/methodology.md, "How accurate the published figures are".
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from caretime.core.workplace import BOOKING_ORDER, MAX_PATIENTS_PER_HOUR, AideCare, WorkerAnswers
from caretime.core.workplace_privacy import (
    EPSILON_PER_QUESTION,
    MEDIANS,
    SHARE_BANDING,
    SHARES,
    Noise,
    NoNoise,
    OpenDPNoise,
    SeededNoise,
    release_bands,
)

SIZES = (5, 10, 20, 40)
VERDICT_QUESTIONS = ("patients_per_hour_typical", "booking")


def clinic_answers(rng: random.Random, count: int) -> list[WorkerAnswers]:
    typical = rng.randint(1, 5)
    slot = rng.choice([20, 30, 45, 60, 75])
    booking = rng.randrange(4)
    quota = rng.choice([0, 70, 80, 88, 92, 97])
    unpaid = rng.choice([0, 15, 45, 90, 150])
    aides = rng.random()
    recommend = rng.random()
    reports = []
    for _ in range(count):

        def near(value: int, low: int, high: int, step: int = 1) -> int:
            if rng.random() < 1 / 3:
                value += rng.choice([-step, step])
            return min(max(value, low), high)

        own_typical = near(typical, 1, MAX_PATIENTS_PER_HOUR)
        reports.append(
            WorkerAnswers(
                patients_per_hour_typical=own_typical,
                patients_per_hour_peak=min(own_typical + rng.choice([0, 1, 2]), MAX_PATIENTS_PER_HOUR),
                slot_minutes=near(slot, 10, 120, 15),
                booking=BOOKING_ORDER[near(booking, 0, 3)],
                quota_percent=near(quota, 0, 100, 5),
                unpaid_documentation_minutes=near(unpaid, 0, 240, 15),
                aides_skilled_care=AideCare.SOMETIMES if rng.random() < aides else AideCare.NO,
                would_recommend=rng.random() < recommend,
            )
        )
    return reports


def band_index(name: str, value: float) -> int:
    for question, banding in MEDIANS:
        if question == name:
            return banding.representatives.index(value)
    return SHARE_BANDING.index(value)


def measure(noise: Noise, clinics: int, seed: int) -> None:
    questions = [name for name, _ in MEDIANS] + list(SHARES)
    print(f"epsilon per question {EPSILON_PER_QUESTION}, {clinics} simulated clinics per size\n")
    print(
        "| reports | exact band, all 8 questions | exact or neighbour, all 8 | exact, density | exact or neighbour, density |"
    )
    print("|---:|---:|---:|---:|---:|")
    for size in SIZES:
        rng = random.Random(f"{seed}:{size}")
        same = dict.fromkeys(questions, 0)
        near = dict.fromkeys(questions, 0)
        for _ in range(clinics):
            reports = clinic_answers(rng, size)
            truth = release_bands(reports, NoNoise()).values
            published = release_bands(reports, noise).values
            for name in questions:
                distance = abs(band_index(name, truth[name]) - band_index(name, published[name]))
                same[name] += distance == 0
                near[name] += distance <= 1

        def share(counts: dict[str, int], names: list[str] | tuple[str, ...]) -> str:
            return f"{100 * sum(counts[n] for n in names) / (clinics * len(names)):.0f} %"

        print(
            f"| {size} | {share(same, questions)} | {share(near, questions)} | "
            f"{share(same, VERDICT_QUESTIONS)} | {share(near, VERDICT_QUESTIONS)} |"
        )


def attack(noise: Noise, batches: int, seed: int) -> None:
    """The differencing attack: 4 forged reports (2 low, 2 high) and one real one."""
    low = WorkerAnswers(1, 1, 60, BOOKING_ORDER[0], 0, 0, AideCare.NO, False)
    high = WorkerAnswers(5, 8, 20, BOOKING_ORDER[3], 97, 150, AideCare.OFTEN, True)
    rng = random.Random(seed)
    right = total = 0
    for _ in range(batches):
        victim_high = rng.random() < 0.5
        victim = high if victim_high else low
        published = release_bands([low, low, high, high, victim], noise).values
        name = "patients_per_hour_typical"
        guess_high = abs(band_index(name, published[name]) - 3) < abs(band_index(name, published[name]) - 0)
        right += guess_high == victim_high
        total += 1
    bound = math.exp(EPSILON_PER_QUESTION) / (1 + math.exp(EPSILON_PER_QUESTION))
    print(
        f"\nDifferencing attack on one answer over {batches} batches: right {100 * right / total:.1f} % "
        f"(bound {100 * bound:.1f} %, a coin 50 %, exact medians 100 %)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clinics", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--seeded", action="store_true", help="the tests' seeded noise instead of OpenDP's")
    args = parser.parse_args()
    noise: Noise = SeededNoise(args.seed) if args.seeded else OpenDPNoise()
    measure(noise, args.clinics, args.seed)
    attack(noise, 2000, args.seed)


if __name__ == "__main__":
    main()
