"""Print the ledger benchmark's figures against their targets, from pytest-benchmark's JSON.

    python -m bench.report var/bench/results.json [--strict]

One row per benchmark (its median against its target; ratio = measured / target,
below 1 meets it), plus the data generation time when ``bench.generate`` left
``var/bench/generate.json``. ``--strict`` exits 1 when a target is missed.
"""

import argparse
import json
import sys
from pathlib import Path

from bench.generate import RESULTS_DIR

GENERATION_TARGET = 300.0  # "a few minutes" at full scale


def _duration(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.1f} s"


def rows_from(results: dict) -> list[tuple[str, float, float]]:
    rows = []
    for bench in sorted(results["benchmarks"], key=lambda b: b["name"]):
        info = bench.get("extra_info", {})
        rows.append((info.get("figure", bench["name"]), bench["stats"]["median"], float(info.get("target", 0)) or None))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="?", default=str(RESULTS_DIR / "results.json"))
    parser.add_argument("--strict", action="store_true", help="exit 1 if a figure misses its target")
    args = parser.parse_args(argv)
    results = json.loads(Path(args.results).read_text())
    rows = rows_from(results)
    generated = RESULTS_DIR / "generate.json"
    if generated.exists():
        gen = json.loads(generated.read_text())
        rows.append(
            (f"generating the data (scale {gen['scale']:g}, last run {gen['finished_at'][:10]})", gen["seconds"],
             GENERATION_TARGET)
        )  # fmt: skip
    info = next((b.get("extra_info", {}) for b in results["benchmarks"]), {})
    print()
    print(
        f"Ledger benchmark: {info.get('units', '?')} units, {info.get('lines', 0):,} journal lines in "
        f"{info.get('year', '?')}, PostgreSQL {info.get('server', '?')}; medians of pytest-benchmark "
        f"{results.get('version', '')} ({results.get('datetime', '')[:19]})"
    )
    width = max(len(r[0]) for r in rows)
    header = f"{'figure':<{width}}  {'measured':>10}  {'target':>8}  {'ratio':>6}"
    print(header)
    print("-" * len(header))
    missed = 0
    for figure, measured, target in rows:
        ratio = measured / target if target else None
        flag = "" if ratio is None else ("  ok" if ratio < 1 else "  MISSED")
        missed += ratio is not None and ratio >= 1
        ratio_text = f"{ratio:6.2f}" if ratio is not None else f"{'—':>6}"
        target_text = _duration(target) if target else "—"
        print(f"{figure:<{width}}  {_duration(measured):>10}  {target_text:>8}  {ratio_text}{flag}")
    print()
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
