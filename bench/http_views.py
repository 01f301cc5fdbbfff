"""The bench-only views of ``bench.http_urls`` (never in the product's URLs)."""

import json
import os
from pathlib import Path

from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

TABLE = "bench_http_insert"
CREATE_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, request_key varchar(100) NOT NULL, "
    "amount bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
)


@csrf_exempt
@require_POST
def insert(request):
    """Read a small JSON body and write one row: the least a Django endpoint that records something does."""
    try:
        body = json.loads(request.body)
        key, amount = str(body["key"])[:100], int(body["amount"])
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest('send {"key": ..., "amount": ...}')
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (request_key, amount) VALUES (%s, %s) RETURNING id", [key, amount])  # noqa: S608
        (pk,) = cursor.fetchone()
    return JsonResponse({"id": pk}, status=201)


def _status() -> dict[str, int]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _sep, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) * 1024
    return fields


@require_GET
def rss(request):
    if request.GET.get("reset"):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS (Linux 4.0+)
    return JsonResponse({"pid": os.getpid(), **_status()})
