"""Load test helpers: a gunicorn launcher and the locust scenario (see tests/test_load.py)."""
