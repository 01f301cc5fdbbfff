"""The service desk's figures in the demo."""


def seed(admin, staff, units) -> None:
    return None
