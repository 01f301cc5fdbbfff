"""The service desk's appointments in the demo."""


def seed(admin, staff, units) -> None:
    return None
