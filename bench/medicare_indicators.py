"""Benchmark: billing indicators over a Medicare file vs a plain group-by of the same file.

Both queries run in DuckDB over the same CSV in the same process, alternating, so the ratio
compares like with like on this machine. Usage:

    .venv/bin/python bench/medicare_indicators.py --rows 10000000 --file /tmp/medicare_10m.csv

The file is generated (deterministically, seed 1) unless it already exists with that name.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from caretime.billing.engine import file_indicators, file_plain_group_by
from caretime.billing.generate import write_medicare_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--file", type=Path, default=Path("/tmp/medicare_bench.csv"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-limit", default="2GB", help="DuckDB memory limit (default 2GB).")
    args = parser.parse_args()

    if not args.file.exists():
        started = time.perf_counter()
        generated = write_medicare_file(args.file, rows=args.rows, seed=args.seed)
        print(
            f"generated {generated.rows:,} rows ({generated.therapist_rows:,} therapist rows, "
            f"{generated.malformed_rows:,} malformed) in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    size_mb = args.file.stat().st_size / 1e6
    print(f"file {args.file} ({size_mb:,.0f} MB)", flush=True)

    plain_times: list[float] = []
    indicator_times: list[float] = []
    clinicians = groups = 0
    for round_number in range(1, args.repeat + 1):
        started = time.perf_counter()
        groups = len(file_plain_group_by(args.file, memory_limit=args.memory_limit).rows)
        plain_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        clinicians = len(file_indicators(args.file, memory_limit=args.memory_limit).rows)
        indicator_times.append(time.perf_counter() - started)
        print(
            f"round {round_number}: plain group-by {plain_times[-1]:.2f} s ({groups:,} NPIs), "
            f"indicators {indicator_times[-1]:.2f} s ({clinicians:,} therapists)",
            flush=True,
        )
    plain = statistics.median(plain_times)
    indicators = statistics.median(indicator_times)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"median plain group-by: {plain:.2f} s")
    print(f"median indicators:     {indicators:.2f} s")
    print(f"ratio indicators / plain group-by: {indicators / plain:.2f}x (target: within 2x)")
    print(f"peak resident memory of this process: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
