"""Batch duplicate detection over a whole registry, with Splink on an in-memory DuckDB.

``deduplicate`` trains the model of ``settings`` on the records themselves (u by random
sampling, m by expectation-maximisation, both deterministic), scores the candidate pairs and
groups the pairs above the threshold into clusters. It only reports: nothing is merged, and the
records passed in are not modified. Everything lives in one in-memory DuckDB connection that is
closed at the end; DuckDB's spill directory (used only when memory runs short) is a temporary
directory removed with it.
"""

import logging
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker

from . import settings as model
from .prepare import prepare

logger = logging.getLogger(__name__)

SCHEMA = pa.schema(
    [("id", pa.int64()), ("name_tokens", pa.list_(pa.string()))]
    + [(column, pa.string()) for column in model_columns]
    if False
    else []
)
