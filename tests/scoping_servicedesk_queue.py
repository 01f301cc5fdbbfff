"""Matrix entries for the service desk's queue (merged into tests/scoping.py and the matrices).

``matrix_ids(unit, officer, marker, base)`` builds this area's objects at ``unit`` (the marker, SECRET
where they are foreign, in their names) and returns their ids keyed by the kinds named below.
"""

OBJECT_KINDS: dict = {}
LIST_VARIANTS: dict = {}
PUBLIC: set = set()
API_PARAMS: dict = {}
API_BODIES: dict = {}
PUBLIC_API: set = set()
# For tests/access_coverage.py: kind -> (model, unit lookup), and the reviewed reasons of public pages.
KIND_OWNERS: dict = {}
PUBLIC_REASONS: dict = {}
PUBLIC_API_REASONS: dict = {}


def matrix_ids(unit, officer, marker, base) -> dict:
    return {}
