"""Small text rules every app shares: typed text is kept with its words single-spaced."""


def squash(value) -> str:
    """``value`` as text with runs of whitespace (newlines, tabs) made one space and the ends trimmed;
    ``None`` and ``""`` give ``""``."""
    return " ".join(str(value or "").split())
