from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from satuatap.api import services
from satuatap.api.forms import ApiTokenForm
from satuatap.api.models import ApiToken
from satuatap.core.views.helpers import apply_service_error


@login_required
def tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.api_token_create(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            apply_service_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            form = ApiTokenForm()
    own = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "api/tokens.html", {"form": form, "tokens": own, "new_key": new_key})


@login_required
@require_POST
def token_revoke(request, pk):
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    try:
        services.api_token_revoke(actor=request.user, token=token)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The token has been revoked."))
    return redirect("api:tokens")


@csrf_exempt
def unknown_path(request, rest=""):
    """Any path under /api/ that no endpoint answers: the API's error shape, never an HTML page
    (which Django's debug 404 page would be in the demo)."""
    message = _("Not found, or outside your units.")
    return JsonResponse({"error": {"code": "not_found", "message": message, "fields": {}}}, status=404)
