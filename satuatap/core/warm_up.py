"""What the first requests after a start would otherwise pay, done once the server has started
(``satuatap.wsgi`` runs it in a background thread; ``manage.py`` commands and tests do not).

Measured on the demo (``python -m bench.pages``): importing every app's URLs and views (the REST
API's schemas most of all) took 3 to 4 s of the first request, building the URL reverse dictionary
(once per language) and resolving 0.6 s of the first page that names a link, and compiling its
templates 0.1 to 0.3 s of the first visit to each page, so the first login to the home page took
1 to 4 s and the first /ledger/ over a second while every later one took a tenth of that.
"""

import logging
from pathlib import Path

logger = logging.getLogger(__name__)


def first_pages_warm_up() -> None:
    from django.conf import settings
    from django.template import engines
    from django.template.loader import get_template
    from django.urls import get_resolver, resolve, reverse
    from django.utils import translation

    get_resolver().url_patterns  # imports every app's URLs and views  # noqa: B018
    resolve("/")  # compiles the patterns' expressions
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            reverse("core:home")  # the reverse dictionary is built per language
    # Every page template, compiled once into the cached loader (the PDFs' too: a few ms each).
    for engine in engines.all():
        for folder in getattr(engine, "template_dirs", ()):
            for path in sorted(Path(folder).rglob("*.html")):
                try:
                    get_template(str(path.relative_to(folder)))
                except Exception:  # a template another engine or a test renders: not ours to warm
                    logger.debug("Not warmed: %s", path)
