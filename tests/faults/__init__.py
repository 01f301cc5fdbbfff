"""Helpers of the fault tests (``tests/test_faults.py``): a gunicorn server on the test database, a
client that retries, PostgreSQL restarts, a fake mail gateway."""
