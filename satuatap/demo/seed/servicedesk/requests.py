"""The service desk's requests in the demo."""


def seed(admin, staff, units) -> None:
    return None
