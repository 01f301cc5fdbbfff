"""Duplicate detection in the beneficiary registry (probabilistic record linkage with Splink).

``deduplicate`` runs a batch over a whole registry in-process on DuckDB; the model itself
(``settings``) and the normal form of the records (``prepare``) do not depend on DuckDB, so a
national registry can run the same model on Spark.
"""

from .batch import BatchResult, Evidence, ScoredPair, deduplicate

__all__ = ["BatchResult", "Evidence", "ScoredPair", "deduplicate"]
