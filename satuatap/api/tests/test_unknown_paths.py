"""Any path under /api/ that no endpoint answers gets the API's JSON error shape, in the demo (DEBUG) too."""

import pytest
from django.test import Client

PATHS = ["/api/", "/api/v1/nope", "/api/v1/donations/abc/extra", "/api/v2/donations", "/api/v1/donors/1/nope"]


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("method", ["get", "post", "delete"])
@pytest.mark.parametrize("path", PATHS)
def test_an_unknown_api_path_answers_the_json_error_shape(db, settings, debug, method, path):
    settings.DEBUG = debug
    response = getattr(Client(enforce_csrf_checks=True), method)(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"} and error["code"] == "not_found"


def test_a_known_path_still_answers_as_before(db):
    response = Client().get("/api/v1/donations")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"


def test_a_page_outside_the_api_keeps_its_html_404(db):
    response = Client().get("/apix/nothing")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
