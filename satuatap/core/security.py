"""Response headers that limit what a page may do in the browser: Content-Security-Policy,
Permissions-Policy and Cross-Origin-Resource-Policy.

Django's SecurityMiddleware already sets HSTS, nosniff, Referrer-Policy and
Cross-Origin-Opener-Policy from the settings; this adds the rest. Pages carry no inline
script and no ``on*=`` handler: behaviour lives in static files (``static/js``), so the
policy allows scripts from this origin only.
"""

import base64
import hashlib

# htmx adds one <style> element for its request indicators (htmx.config.includeIndicatorStyles);
# its text is fixed, so a hash admits exactly that element and no other inline <style>.
# test_security_headers checks that the vendored htmx still writes this text.
HTMX_INDICATOR_STYLE = (
    ".htmx-indicator{opacity:0;visibility: hidden} "
    ".htmx-request .htmx-indicator, .htmx-request.htmx-indicator"
    "{opacity:1;visibility: visible;transition: opacity 200ms ease-in}"
)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# Style attributes stay allowed (style-src-attr): templates set widths of progress bars and forms
# with them, Bootstrap and htmx write them too, and an attribute cannot load anything or read the
# page. <style> elements and stylesheets come only from this origin (style-src-elem). Browsers
# too old for the -elem/-attr directives fall back to style-src, which therefore admits inline
# styles; scripts are strict everywhere.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        f"style-src-elem 'self' {_sha256(HTMX_INDICATOR_STYLE)}",
        "style-src-attr 'unsafe-inline'",
        # Receipt and enrolment QR codes are data: URIs.
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
    ]
)

# Nothing here needs a camera, microphone or payment API; "use my location" needs geolocation.
# (A file input with capture still opens the phone's camera app: that is not governed by this.)
PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "camera=()",
        "geolocation=(self)",
        "gyroscope=()",
        "magnetometer=()",
        "microphone=()",
        "payment=()",
        "usb=()",
    ]
)

# Chromium shows a PDF through its viewer plugin, which object-src 'none' would block: PDFs get
# no CSP (they run no script of ours).
_NO_CSP_TYPES = ("application/pdf",)


class SecurityHeadersMiddleware:
    """Adds the policies to every response; a view that sets its own header keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(_NO_CSP_TYPES):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
