"""The service desk's queue in the demo."""


def seed(admin, staff, units) -> None:
    return None
