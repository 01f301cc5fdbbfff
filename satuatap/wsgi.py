import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satuatap.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """What the first request of some kinds would otherwise pay for, done once the server has started
    (runserver and each gunicorn worker load this module; ``manage.py`` commands and tests do not)."""
    from django.urls import get_resolver

    from satuatap.collection.receipts import receipt_rendering_warm_up

    try:
        get_resolver().url_patterns  # imports every app's URLs and views  # noqa: B018
        receipt_rendering_warm_up()
    except Exception:  # a warm-up that fails costs only the first print its speed-up
        import logging

        logging.getLogger(__name__).exception("Warming up receipt rendering failed")


# In the background, so the server answers at once.
threading.Thread(target=_warm_up, name="satuatap-warm-up", daemon=True).start()
