"""The service desk's catalogue in the demo."""


def seed(admin, staff, units) -> None:
    return None
