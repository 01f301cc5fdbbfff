"""Print ``make bench``'s one table: every figure with its reference, ratio and target.

    python -m bench.report [var/bench/results.json] [--strict] [--markdown]

Rows come from what the steps of ``make bench`` left in ``RESULTS_DIR`` (``var/bench``):

* side by side, each figure measured in the same run as its reference (``ratio`` compares the
  two; the target says which way it must go):
  - donation posting over HTTP against a bare INSERT endpoint on the same server
    (``side_by_side.json``): requests/s, p50 and p99 as speed ratios (ours / bare for
    requests/s, bare / ours for latencies), target >= 0.5;
  - the consolidated Laporan Perubahan Dana and the collection dashboard against DuckDB on a
    Parquet export of the same data: our time / DuckDB's, target <= 2, and the figures equal;
  - importing donation rows against ``COPY`` of the same file (``results.json``): COPY's time /
    the import's, target >= 1/3; and the import's floor, ``COPY`` of the rows it saves into
    empty copies of their tables, against the same file's ``COPY`` (a lower bound for any import);
  - batch duplicate detection against Splink with its quickstart's settings
    (``registry_batch.json``): time (ours must stay under 2 minutes for 100,000 records) and
    pair F1 (ours >= 0.95);
  - the worker's peak memory during the whole-institution reports against its size before
    them: peak / before, target <= 1.5;
* against a fixed target (pytest-benchmark medians in ``results.json``; the reference column is
  empty): ratio = measured / target, at most 1 meets it.

``--strict`` exits 1 when a target is missed or figures differ; ``--markdown`` prints the table
as Markdown (for docs/performance.md).
"""

import argparse
import json
import sys
from pathlib import Path
from types import SimpleNamespace

from bench.generate import RESULTS_DIR

GENERATION_TARGET = 300.0  # "a few minutes" per million lines
HTTP_TARGET, ANALYTICS_TARGET, IMPORT_TARGET, MEMORY_TARGET = 0.5, 2.0, 1 / 3, 1.5
DEDUP_SECONDS_TARGET, DEDUP_F1_TARGET = 120.0, 0.95
LIST_IMPORT_TARGET = 120.0


def _duration(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.1f} s"


def _row(figure, measured, reference="—", ratio=None, target="—", met=None, note="") -> SimpleNamespace:
    return SimpleNamespace(
        figure=figure, measured=measured, reference=reference, ratio=ratio, target=target, met=met, note=note
    )


def _load(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None


def rows_from(results: dict) -> list[tuple[str, float, float]]:
    """(figure, median seconds, target seconds) of each pytest-benchmark result."""
    rows = []
    for bench in sorted(results["benchmarks"], key=lambda b: b["name"]):
        info = bench.get("extra_info", {})
        rows.append((info.get("figure", bench["name"]), bench["stats"]["median"], float(info.get("target", 0)) or None))
    return rows


def side_by_side_rows(side: dict | None, results: dict | None, batch: dict | None) -> list[SimpleNamespace]:
    rows = []
    if side and "http" in side:
        http = side["http"]
        ours, bare = http["donation"], http["bare"]
        what = f"{http['workers']} gunicorn workers, {http['users']} locust users"
        ratio = ours["ok_rps"] / bare["ok_rps"] if bare["ok_rps"] else 0
        note = "" if http["consistent"] else "accepted != recorded"
        rows.append(
            _row(
                f"POST /api/v1/donations, requests/s ({what}) vs a bare INSERT endpoint",
                f"{ours['ok_rps']:.0f}/s",
                f"{bare['ok_rps']:.0f}/s",
                ratio,
                f">= {HTTP_TARGET:.2f}",
                ratio >= HTTP_TARGET and http["consistent"],
                note,
            )
        )
        for name, key in (("p50", "p50_ms"), ("p99", "p99_ms")):
            ratio = bare[key] / ours[key] if ours[key] else 0
            rows.append(
                _row(
                    f"POST /api/v1/donations, {name} latency vs the bare INSERT endpoint",
                    _duration(ours[key] / 1e3),
                    _duration(bare[key] / 1e3),
                    ratio,
                    f">= {HTTP_TARGET:.2f}",
                    ratio >= HTTP_TARGET,
                )
            )
    if side and "analytics" in side:
        analytics, meta = side["analytics"], side.get("meta", {})
        years = "-".join(str(y) for y in sorted(set(meta.get("years", [])))) or "all years"
        lines = f"{meta.get('lines', 0):,} lines"
        for key, title in (
            ("changes_in_funds", f"Laporan Perubahan Dana, whole institution, {years} ({lines})"),
            ("collection", f"collection dashboard, whole institution, {years}"),
        ):
            figure = analytics.get(key)
            if not figure:
                continue
            ratio = figure["ours_seconds"] / figure["duckdb_seconds"]
            rows.append(
                _row(
                    f"{title} vs DuckDB on a Parquet export",
                    _duration(figure["ours_seconds"]),
                    _duration(figure["duckdb_seconds"]),
                    ratio,
                    f"<= {ANALYTICS_TARGET:.2f}",
                    ratio <= ANALYTICS_TARGET and figure["equal"],
                    f"{figure['figures']} figures equal" if figure["equal"] else "FIGURES DIFFER",
                )
            )
    for bench in (results or {}).get("benchmarks", []):
        info = bench.get("extra_info", {})
        if "copy_seconds" in info:
            seconds, copy = bench["stats"]["median"], info["copy_seconds"]
            rows_count = info.get("figure", "").split(" donation rows")[0].removeprefix("importing ")
            ratio = copy / seconds
            rows.append(
                _row(
                    f"importing {rows_count} donation rows (upload, check, save) vs COPY of the same file",
                    _duration(seconds),
                    _duration(copy),
                    ratio,
                    f">= {IMPORT_TARGET:.2f}",
                    ratio >= IMPORT_TARGET,
                )
            )
            if "floor_seconds" in info:  # what PostgreSQL alone needs to store the same rows
                floor = info["floor_seconds"]
                rows.append(
                    _row(
                        f"floor of that import: COPY of the {info['floor_rows']:,} rows it saves into empty copies "
                        "of their tables (same indexes, foreign keys checked) vs COPY of the file",
                        _duration(floor),
                        _duration(copy),
                        copy / floor,
                        f">= {IMPORT_TARGET:.2f}",
                        copy / floor >= IMPORT_TARGET,
                        "a lower bound for any import that saves these rows",
                    )
                )
    if batch and batch.get("splink_defaults"):
        ours, splink = batch["ours"], batch["splink_defaults"]
        records = f"{ours['records']:,} records"
        rows.append(
            _row(
                f"batch duplicate detection, {records}: time vs Splink with its quickstart settings",
                _duration(ours["dedup_seconds"]),
                _duration(splink["dedup_seconds"]),
                ours["dedup_seconds"] / splink["dedup_seconds"],
                f"ours <= {_duration(DEDUP_SECONDS_TARGET)}",
                ours["dedup_seconds"] <= DEDUP_SECONDS_TARGET,
            )
        )
        rows.append(
            _row(
                f"batch duplicate detection, {records}: pair F1 vs Splink with its quickstart settings",
                f"{ours['pair_f1']:.4f}",
                f"{splink['pair_f1']:.4f}",
                ours["pair_f1"] / splink["pair_f1"],
                f"ours >= {DEDUP_F1_TARGET}",
                ours["pair_f1"] >= DEDUP_F1_TARGET,
                f"cluster F1 {ours['cluster_pair_f1']:.4f} vs {splink['cluster_pair_f1']:.4f}",
            )
        )
    if side and "memory" in side:
        memory = side["memory"]
        ratio = memory["peak"] / memory["before"]
        rows.append(
            _row(
                "worker peak RSS during the whole-institution report pages vs its RSS before them",
                f"{memory['peak'] / 2**20:.0f} MiB",
                f"{memory['before'] / 2**20:.0f} MiB",
                ratio,
                f"<= {MEMORY_TARGET:.2f}",
                ratio <= MEMORY_TARGET,
            )
        )
    return rows


def target_rows(results: dict | None, generated: dict | None) -> list[SimpleNamespace]:
    rows = []
    for bench in sorted((results or {}).get("benchmarks", []), key=lambda b: b["name"]):
        info = bench.get("extra_info", {})
        if "copy_seconds" in info:  # the import: side by side above
            continue
        measured, target = bench["stats"]["median"], float(info.get("target", 0)) or None
        ratio = measured / target if target else None
        rows.append(
            _row(
                info.get("figure", bench["name"]),
                _duration(measured),
                "—",
                ratio,
                _duration(target) if target else "—",
                None if ratio is None else ratio <= 1,
            )
        )
    if generated:
        profile = generated.get("profile", "bench")
        figure = (
            f"generating the ledger ({profile} profile, scale {generated['scale']:g}, "
            f"{generated['lines']:,} lines; {generated['finished_at'][:10]})"
        )
        # "A few minutes" for a million lines: the target grows with the lines asked for.
        target = GENERATION_TARGET * max(1.0, generated["lines"] / 1_000_000)
        ratio = generated["seconds"] / target
        rows.append(_row(figure, _duration(generated["seconds"]), "—", ratio, _duration(target), ratio <= 1))
    return rows


def import_dedup_rows(figures: dict | None) -> list[SimpleNamespace]:
    """Pair precision and recall of the batch deduplication on the generated list imported through
    the registry import (``registry_import_dedup.json``), against all true pairs of the list; the
    deduplication alone (true pairs among the imported records) as the note."""
    from bench.registry_import_dedup import TARGETS

    rows = []
    for name, f in (figures or {}).items():
        label = "full list" if name == "full" else "without district, regency, KK, phone"
        target = TARGETS[name]
        what = f"batch duplicates after the import, {f['records']:,} rows ({label}), against all true pairs"
        note = (
            f"{f['imported']:,} imported, {f['refused_rows']:,} refused; dedup alone: "
            f"recall {f['recall_imported']:.3f} of {f['true_pairs_imported']:,}"
        )
        for figure, value in (("precision", f["precision"]), ("recall", f["recall_all"])):
            met = value >= target
            rows.append(_row(f"{what}: pair {figure}", f"{value:.3f}", "—", None, f">= {target}", met, note))
    return rows


def _cells(row) -> list[str]:
    if row.ratio is None:
        ratio = "—"
    elif 0 < row.ratio < 0.01:
        ratio = f"1/{1 / row.ratio:,.0f}"
    else:
        ratio = f"{row.ratio:.2f}"
    result = "" if row.met is None else ("ok" if row.met else "MISSED")
    if row.note:
        result = f"{result} ({row.note})" if result else row.note
    return [row.figure, row.measured, row.reference, ratio, row.target, result]


HEADER = ["figure", "measured", "reference", "ratio", "target", "result"]


def render(sections: list[tuple[str, list]], markdown: bool = False) -> str:
    all_rows = [_cells(row) for _title, rows in sections for row in rows]
    if markdown:
        out = ["| " + " | ".join(HEADER) + " |", "| --- | ---: | ---: | ---: | ---: | --- |"]
        for title, rows in sections:
            if rows:
                out.append(f"| **{title}** | | | | | |")
                out += ["| " + " | ".join(_cells(row)) + " |" for row in rows]
        return "\n".join(out)
    widths = [max(len(c[i]) for c in [HEADER, *all_rows]) for i in range(len(HEADER))]
    widths[0] = min(widths[0], 100)

    def line(cells):
        figure = cells[0] if len(cells[0]) <= widths[0] else cells[0][: widths[0] - 1] + "…"
        return "  ".join(
            [figure.ljust(widths[0]), *(c.rjust(w) for c, w in zip(cells[1:5], widths[1:5], strict=True)), cells[5]]
        ).rstrip()

    out = [line(HEADER), "-" * (sum(widths[:5]) + 2 * 5 + 6)]
    for title, rows in sections:
        if rows:
            out.append(f"{title}:")
            out += [line(_cells(row)) for row in rows]
    return "\n".join(out)


def list_import_rows(folder: Path) -> list[SimpleNamespace]:
    """``bench.registry_import``'s figures: a beneficiaries list checked against the registry, per database."""
    rows = []
    for vendor, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        figures = _load(folder / f"registry_import_{vendor}.json")
        if not figures:
            continue
        target = figures.get("target_seconds", LIST_IMPORT_TARGET)
        rows.append(
            _row(
                f"checking a {figures['rows']:,}-row beneficiaries list against {figures['registry']:,} people "
                f"({label})",
                _duration(figures["check_seconds"]),
                target=f"< {_duration(target)}",
                ratio=figures["check_seconds"] / target,
                met=figures["check_seconds"] < target,
                note=f"{figures['rows_per_second']:,} rows/s; this process's CPU {figures['check_cpu_seconds']:.0f} s",
            )
        )
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="?", default=str(RESULTS_DIR / "results.json"))
    parser.add_argument("--strict", action="store_true", help="exit 1 if a figure misses its target")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args(argv)
    folder = Path(args.results).parent
    results = _load(Path(args.results))
    side = _load(folder / "side_by_side.json")
    batch = _load(folder / "registry_batch.json")
    generated = _load(folder / "generate.json")
    imported = _load(folder / "registry_import_dedup.json")
    sections = [
        ("Side by side (reference measured in the same run)", side_by_side_rows(side, results, batch)),
        ("Against a fixed target (ratio = measured / target)", target_rows(results, generated)),
        ("Duplicates found after a real import (bench.registry_import_dedup)", import_dedup_rows(imported)),
        ("Beneficiaries list import (bench.registry_import)", list_import_rows(folder)),
    ]
    if not any(rows for _title, rows in sections):
        print(f"no benchmark results in {folder}: run `make bench`")
        return 1
    info = next((b.get("extra_info", {}) for b in (results or {}).get("benchmarks", [])), {})
    meta = (side or {}).get("meta", {})
    server = info.get("server") or meta.get("server", "?")
    print()
    print(
        f"Satu Atap benchmark: {info.get('units', '?')} units, {meta.get('lines') or info.get('lines', 0):,} journal "
        f"lines, PostgreSQL {server}, {meta.get('cores', '?')} cores"
        + (f"; pytest-benchmark {results.get('version', '')} ({results.get('datetime', '')[:19]})" if results else "")
    )
    print(render(sections, markdown=args.markdown))
    print()
    missed = sum(1 for _t, rows in sections for row in rows if row.met is False)
    if missed:
        print(f"{missed} target(s) missed: see docs/performance.md for why.")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
