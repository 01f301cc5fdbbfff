"""Limit/offset pagination with bounds, so that no query string can ask the database for an
OFFSET or LIMIT beyond a 64-bit integer (a 500 before; now a 422 naming the field)."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination as NinjaLimitOffsetPagination
from ninja.pagination import paginate

__all__ = ["LimitOffsetPagination", "paginate"]

MAX_LIMIT = 1000
MAX_OFFSET = 10**9


class LimitOffsetPagination(NinjaLimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"Items per page, at most {MAX_LIMIT}.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
