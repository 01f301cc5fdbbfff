"""Independent read-only queries of one page run at once, each on its own database connection."""

from concurrent.futures import ThreadPoolExecutor
from functools import partial

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone, translation


def parallel_reads(*reads, using: str = DEFAULT_DB_ALIAS) -> list:
    """Call each of ``reads`` (functions of no argument that only read) and return their results in
    order. On PostgreSQL, outside a transaction, each runs in a thread of its own on a connection of
    its own, so a report of several heavy aggregates (each a sort or hash of every row of the
    period, which PostgreSQL does not spread over cores) takes about the time of the slowest instead
    of the sum. Inside a transaction (a caller that needs one snapshot, or a test) they run one
    after the other on the caller's connection: another connection would not see its uncommitted
    rows. Each thread speaks the caller's language and time zone (a read may name what it counts)
    and closes its connection when its read is done."""
    connection = connections[using]
    if len(reads) < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return [read() for read in reads]
    run = partial(_on_own_connection, language=translation.get_language(), zone=timezone.get_current_timezone())
    with ThreadPoolExecutor(max_workers=len(reads), thread_name_prefix="parallel-read") as pool:
        return list(pool.map(run, reads))


def _on_own_connection(read, *, language: str | None = None, zone=None):
    try:
        with translation.override(language), timezone.override(zone):
            return read()
    finally:
        connections.close_all()  # this thread's connections: the handler keeps one set per thread
