"""The load test's rates, per office, at ten times the Ramadan peak (see tests/load/locustfile.py).

Kept apart from the locustfile so that the test can read them without importing locust (which
monkey-patches the whole process with gevent).
"""

FACTOR = 10  # times the Ramadan peak
COUNTER_PER_SECOND = FACTOR / 120  # per clerk; peak: one donation every 2 minutes
ONLINE_PER_OFFICE = FACTOR / 600  # peak: one online donation every 10 minutes per office
DASHBOARD_PER_OFFICE = FACTOR / 600  # peak: a dashboard read every 10 minutes per office
PUBLIC_PER_DONATION = 5  # public page views per donation
ONLINE_USERS, READER_USERS, PUBLIC_USERS = 2, 2, 4
DOUBLE_SUBMIT = 0.05  # share of saves sent twice (a double click, a retried request)


def donations_per_second(offices: int) -> float:
    return COUNTER_PER_SECOND * offices + ONLINE_PER_OFFICE * offices
