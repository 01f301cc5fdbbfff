"""Compatibility for the imports of other apps until the merge: the bulk form of posting lives in
``ledger.services.posting.bulk`` (import its names from ``satuatap.ledger.services``)."""

from satuatap.ledger.services.posting.bulk import BulkEntry, allocate_ids, entries_post_bulk, insert_rows

__all__ = ["BulkEntry", "allocate_ids", "entries_post_bulk", "insert_rows"]
