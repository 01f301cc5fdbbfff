"""Matrix entries for accounts (two-factor authentication), merged into tests/scoping.py.

The reset of a lost phone names the membership through which the administrator reaches the
person: another unit's or institution's membership must answer 404 like every object id.
The other two-factor pages are one's own (no object id) and are covered as list pages. The
self-service password reset is public (checked by tests/test_access_audit.py).
"""

OBJECT_KINDS = {
    "accounts:two_factor_reset": "membership",
    # The administrator's password reset names the membership the same way.
    "accounts:password_reset_staff": "membership",
}

# "Forgot your password?": the form, its answer, the one-time link and its end, reached without login.
PUBLIC = {
    "accounts:password_reset",
    "accounts:password_reset_sent",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
}
