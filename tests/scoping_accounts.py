"""Matrix entries for accounts (two-factor authentication), merged into tests/scoping.py.

The reset of a lost phone names the membership through which the administrator reaches the
person: another unit's or institution's membership must answer 404 like every object id.
The other two-factor pages are one's own (no object id) and are covered as list pages.
"""

OBJECT_KINDS = {"accounts:two_factor_reset": "membership"}
