"""Matrix entries for the service desk's queue (merged into tests/scoping.py and the matrices).

``matrix_ids(unit, officer, marker, base)`` builds this area's objects at ``unit`` (the marker, SECRET
where they are foreign, in their names) and returns their ids keyed by the kinds named below: a
service and a line named with the marker, a counter serving it and a waiting ticket.
"""

_API = "/api/v1/servicedesk"
ACTIONS = ("open", "pause", "close", "next", "recall", "start", "finish", "no-show", "transfer")

OBJECT_KINDS: dict = {"servicedesk:counter": "counter"}
LIST_VARIANTS: dict = {"servicedesk:counters": ["", "?line=987654321", "?counter=987654321"]}
PUBLIC: set = {"servicedesk:kiosk", "servicedesk:ticket", "servicedesk:display", "servicedesk:display_feed"}
# The public operations' path parameters (an office's codes, a ticket's code): filled, never scoped.
API_PARAMS: dict = {
    "counter_id": "counter",
    "institution": "institution_code",
    "unit": "unit_code",
    "code": "ticket_code",
}
API_BODIES: dict = {("post", f"{_API}/counters/{{counter_id}}/{action}"): (lambda ids: {}) for action in ACTIONS}
API_BODIES[("post", f"{_API}/public/units/{{institution}}/{{unit}}/tickets")] = lambda ids: {"service": "MTXQ"}
API_BODIES[("post", f"{_API}/public/units/{{institution}}/{{unit}}/check-in")] = lambda ids: {"code": "ABCDEFGHJK"}
PUBLIC_API: set = {
    ("post", f"{_API}/public/units/{{institution}}/{{unit}}/tickets"),
    ("post", f"{_API}/public/units/{{institution}}/{{unit}}/check-in"),
    ("get", f"{_API}/public/tickets/{{code}}"),
    ("get", f"{_API}/public/units/{{institution}}/{{unit}}/display"),
}
# For tests/access_coverage.py: kind -> (model, unit lookup), and the reviewed reasons of public pages.
KIND_OWNERS: dict = {"counter": ("servicedesk.Counter", "unit")}
PUBLIC_REASONS: dict = {
    "servicedesk:kiosk": "an office's queue services and the waiting count per line; takes a ticket or "
    "checks a booking in (throttled)",
    "servicedesk:ticket": "one ticket by its unguessable code: number, service, position; nothing about "
    "the person (throttled)",
    "servicedesk:display": "an office's display board: ticket numbers called to counters, waiting counts",
    "servicedesk:display_feed": "the display board's feed: ticket numbers, counters, waiting counts (throttled)",
}
PUBLIC_API_REASONS: dict = {
    ("post", f"{_API}/public/units/{{institution}}/{{unit}}/tickets"): "takes a queue ticket (throttled)",
    ("post", f"{_API}/public/units/{{institution}}/{{unit}}/check-in"): "checks a booking in by its code (throttled)",
    ("get", f"{_API}/public/tickets/{{code}}"): "a ticket's number and position by its unguessable code",
    ("get", f"{_API}/public/units/{{institution}}/{{unit}}/display"): "the display board's feed: numbers "
    "called, waiting counts",
}


def matrix_ids(unit, officer, marker, base) -> dict:
    """A service, a line and a counter at ``unit`` with a waiting ticket (written directly: the
    matrix's officer may not configure)."""
    from django.utils import timezone

    from satuatap.servicedesk.models import Counter, QueueLine, QueueTicket, Service

    service = Service.objects.create(unit=unit, code="MTXQ", name=f"{marker} layanan antrean")
    line = QueueLine.objects.create(unit=unit, prefix="Q", name=f"{marker} antrean")
    line.services.set([service])
    counter = Counter.objects.create(unit=unit, number=7, name=f"{marker} loket")
    counter.services.set([service])
    now = timezone.now()
    ticket = QueueTicket.objects.create(unit=unit, line=line, service=service, day=timezone.localdate(), number=1,
                                        code=f"Q{unit.pk:09d}"[:10], taken_at=now, wait_from=now)  # fmt: skip
    institution = unit.institution if unit.institution_id else unit
    return {
        "counter": counter.pk,
        "institution_code": institution.code.lower(),
        "unit_code": unit.code.lower(),
        "ticket_code": ticket.code,
    }


def public_visits(own: dict, foreign: list[dict]) -> dict:
    """For test_access_audit: public view name -> [(address, whose page: "alpha", "beta" or None for
    a page of nobody)], with the codes ``matrix_ids`` built (foreign[0]: ALPHA's branch B, foreign[1]: BETA)."""
    b, beta = foreign[0], foreign[1]
    return {
        "servicedesk:kiosk": [
            (f"/antrean/alpha/{own['unit_code']}/", "alpha"),
            (f"/antrean/alpha/{b['unit_code']}/", "alpha"),
            (f"/antrean/beta/{beta['unit_code']}/", "beta"),
            ("/antrean/alpha/nothing/", None),
        ],
        "servicedesk:ticket": [
            (f"/antrean/tiket/{own['ticket_code']}/", "alpha"),
            (f"/antrean/tiket/{b['ticket_code']}/", "alpha"),
            (f"/antrean/tiket/{beta['ticket_code']}/", "beta"),
            ("/antrean/tiket/ABCDEFGHJK/", None),
        ],
        "servicedesk:display": [
            (f"/antrean/alpha/{b['unit_code']}/layar/", "alpha"),
            (f"/antrean/beta/{beta['unit_code']}/layar/", "beta"),
            ("/antrean/beta/nothing/layar/", None),
        ],
        "servicedesk:display_feed": [
            (f"/antrean/alpha/{b['unit_code']}/layar/feed/?after=0", "alpha"),
            (f"/antrean/beta/{beta['unit_code']}/layar/feed/", "beta"),
        ],
    }


def public_api_visits(own: dict, foreign: list[dict]) -> list[tuple[str, str, str | None, tuple]]:
    """For test_access_audit: (method, address, whose: "alpha"/"beta"/None, the operation visited)."""
    b, beta = foreign[0], foreign[1]
    take = ("post", f"{_API}/public/units/{{institution}}/{{unit}}/tickets")
    check_in = ("post", f"{_API}/public/units/{{institution}}/{{unit}}/check-in")
    status = ("get", f"{_API}/public/tickets/{{code}}")
    board = ("get", f"{_API}/public/units/{{institution}}/{{unit}}/display")
    return [
        ("post", f"{_API}/public/units/alpha/{b['unit_code']}/tickets", "alpha", take),
        ("post", f"{_API}/public/units/beta/{beta['unit_code']}/check-in", "beta", check_in),
        ("get", f"{_API}/public/tickets/{b['ticket_code']}", "alpha", status),
        ("get", f"{_API}/public/tickets/{beta['ticket_code']}", "beta", status),
        ("get", f"{_API}/public/tickets/ABCDEFGHJK", None, status),
        ("get", f"{_API}/public/units/alpha/{b['unit_code']}/display?after=0", "alpha", board),
        ("get", f"{_API}/public/units/beta/{beta['unit_code']}/display", "beta", board),
    ]


def public_pages(world, books, *, alpha, beta, nothing) -> dict:
    """tests/test_access_audit.py's visits of the queue's public pages, with the markers each must
    not show (``alpha``/``beta``: what an ALPHA/BETA page must not show; ``nothing``: no page)."""
    whose = {"alpha": alpha, "beta": beta, None: nothing}
    own, foreign = books.distribution["own"], books.distribution["foreign"]
    return {name: [(url, whose[side]) for url, side in visits] for name, visits in public_visits(own, foreign).items()}


def public_api_calls(ids, *, alpha, beta, nothing) -> list:
    """(method, path, markers, operation path with {x}) of the queue's public operations."""
    import re

    whose = {"alpha": alpha, "beta": beta, None: nothing}
    return [
        (method, path, whose[side], re.sub(r"\{\w+\}", "{x}", operation[1]))
        for method, path, side, operation in public_api_visits(ids["own"], ids["foreign"])
    ]
