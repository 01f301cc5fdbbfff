"""``{{ key|purpose_name }}``: the name of the program (or campaign) a restriction key names."""

from django import template

from satuatap.ledger.hooks import purpose_names

register = template.Library()


@register.filter
def purpose_name(key: str) -> str:
    return purpose_names([key]).get(key, key) if key else ""
