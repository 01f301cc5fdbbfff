import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satuatap.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """What the first request of some kinds would otherwise pay for, done once the server has started
    (runserver and each gunicorn worker load this module; ``manage.py`` commands and tests do not)."""
    from satuatap.collection.services import receipt_rendering_warm_up
    from satuatap.core.warm_up import first_pages_warm_up

    try:
        first_pages_warm_up()  # URLs, views, templates: the first login and pages
        receipt_rendering_warm_up()
    except Exception:  # a warm-up that fails costs only the first print its speed-up
        import logging

        logging.getLogger(__name__).exception("Warming up failed")


# In the background, so the server answers at once.
threading.Thread(target=_warm_up, name="satuatap-warm-up", daemon=True).start()
