"""Office hours, WhatsApp line hours and closures in the demo."""


def seed(admin, staff, units) -> None:
    return None
