from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The fictional demo network (``manage.py demo``): it writes through every app's services, and
    no app reads it."""

    name = "satuatap.demo"
    label = "demo"
