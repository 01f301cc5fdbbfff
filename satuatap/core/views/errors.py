"""Error pages in the user's language, in the layout, with a way back."""

from django.shortcuts import render
from django.utils.translation import gettext as _


def _error(request, status, title, message):
    return render(request, "error.html", {"status": status, "title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, _("Bad request"), _("The request could not be understood. Please check and try again."))


def permission_denied(request, exception=None):
    detail = str(exception) if exception and str(exception) else _("Your role does not allow this page or action.")
    return _error(request, 403, _("Not allowed"), detail)


def page_not_found(request, exception=None):
    # A path under /api/ that no endpoint answers never gets here: ``api.views.unknown_path`` answers it.
    return _error(request, 404, _("Not found"), _("This page does not exist, or it is outside your units."))


def server_error(request):
    return render(request, "500.html", status=500)
