"""The audit trail's filters name every bad filter in one round, each with the box it is about
(issue 14 item 4); a bad filter is not applied and the page still answers."""

from satuatap.audit.tests.test_trail import auditor_client, shown, trail  # noqa: F401 (a fixture)


def test_a_bad_date_and_a_bad_user_are_both_said_with_their_boxes(world, trail):  # noqa: F811
    response = auditor_client(world.audrey).get("/audit/", {"start": "20-03-2026", "end": "2026-13-01", "actor": "x"})
    assert response.status_code == 200
    assert set(response.context["filters"].errors) == {"start", "end", "actor"}
    page = response.content.decode()
    assert "From: Enter a valid date." in page and "Until: Enter a valid date." in page
    assert "By: Enter a whole number." in page
    assert 'id="id_start_error"' in page and 'id="id_end_error"' in page  # what aria-describedby names
    assert shown(response) == {"unit_old", "unit_new", "grant_new"}


def test_a_reversed_range_is_said_beside_a_bad_object_kind(world, trail):  # noqa: F811
    response = auditor_client(world.audrey).get("/audit/", {"start": "2026-03-20", "end": "2026-03-01", "kind": "0"})
    assert response.status_code == 200
    assert set(response.context["filters"].errors) == {"end", "kind"}
