"""Matrix entries for distribution: public (merged into tests/scoping.py and the matrices).

``matrix_ids(unit, officer, marker, base)`` builds this area's objects at ``unit`` (SECRET in
their names where they are foreign) and returns their ids keyed by the kinds named below;
``base`` holds the ids already built there ("program", "application", "evidence", "person").

The online aid application pages and endpoints need no login and show nothing about a person;
they are tested in satuatap/distribution/tests/test_public.py. The public form refuses a request
carrying a staff token (403): staff take applications through POST /distribution/applications.
"""

OBJECT_KINDS: dict = {}
LIST_VARIANTS: dict = {}
PUBLIC: set = {
    "distribution:public_index",
    "distribution:public_apply",
    "distribution:public_apply_program",
    "distribution:public_sent",
    "distribution:public_status",
}
# The tracking code is not an object id of a unit: any value answers the same 404 when unknown.
API_PARAMS: dict = {"tracking_code": "application"}
API_BODIES: dict = {
    ("post", "/api/v1/public/aid-applications"): lambda ids: {
        "program_id": ids.get("program", 0),
        "full_name": "SECRET Leak",
        "nik": "3318011503900001",
        "need": "outsider",
        "requested_amount": "1000",
        "consent": True,
    },
}
PUBLIC_API: set = {
    ("get", "/api/v1/public/aid-programs"),
    ("post", "/api/v1/public/aid-applications"),
    ("get", "/api/v1/public/aid-applications/{tracking_code}"),
}


def matrix_ids(unit, officer, marker, base) -> dict:
    return {}
