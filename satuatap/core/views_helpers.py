"""Small helpers shared by the thin views of every app."""

import csv

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone


def apply_service_error(form, exc: ValidationError) -> None:
    """Show a service's refusal on the form, next to the field it names when that field exists."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    """A CSV download that Excel opens with the right encoding (UTF-8 with BOM)."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response
