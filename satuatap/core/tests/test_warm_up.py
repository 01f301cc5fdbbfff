"""The server's warm-up pays what the first login and the first pages after a start would: the URL
reverse dictionary of each language and every page template compiled."""

from django.template import engines
from django.urls import clear_url_caches, get_resolver

from satuatap.core.warm_up import first_pages_warm_up


def test_the_warm_up_builds_the_reverse_dictionary_of_each_language_and_compiles_the_templates(settings):
    clear_url_caches()
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    first_pages_warm_up()
    resolver = get_resolver()
    assert {code for code, _name in settings.LANGUAGES} <= set(resolver._reverse_dict)
    cached = set(loader.get_template_cache)
    assert {"base.html", "core/home.html", "core/_chart.html", "ledger/overview.html"} <= cached
