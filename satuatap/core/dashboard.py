"""The home page's figures come from the apps allowed to read them, not from ``core``.

``core`` draws the home page but may read no other app; the ``reports`` app (which reads all of
them, and which nobody reads) registers a provider here when it starts. A provider gets the
request and the active unit and returns the sections of the home page for the user's roles
there, each a template and its context.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Section:
    key: str
    title: str
    template: str
    context: dict = field(default_factory=dict)


Provider = Callable[..., list[Section]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def sections_for(request, unit) -> list[Section]:
    return [section for provider in _providers for section in provider(request, unit)]
