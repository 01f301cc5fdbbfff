"""Independent read-only queries of one page run at once, each on its own database connection."""

from concurrent.futures import ThreadPoolExecutor

from django.db import DEFAULT_DB_ALIAS, connections


def parallel_reads(*reads, using: str = DEFAULT_DB_ALIAS) -> list:
    """Call each of ``reads`` (functions of no argument that only read) and return their results in
    order. On PostgreSQL, outside a transaction, each runs in a thread of its own on a connection of
    its own, so a report of several heavy aggregates (each a sort or hash of every row of the
    period, which PostgreSQL does not spread over cores) takes about the time of the slowest instead
    of the sum. Inside a transaction (a caller that needs one snapshot, or a test) they run one
    after the other on the caller's connection: another connection would not see its uncommitted
    rows. Each thread closes its connection when its read is done."""
    connection = connections[using]
    if len(reads) < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return [read() for read in reads]
    with ThreadPoolExecutor(max_workers=len(reads), thread_name_prefix="parallel-read") as pool:
        return list(pool.map(_on_own_connection, reads))


def _on_own_connection(read):
    try:
        return read()
    finally:
        connections.close_all()  # this thread's connections: the handler keeps one set per thread
