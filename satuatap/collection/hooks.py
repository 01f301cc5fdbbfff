"""What other apps may add to collection's actions, without collection knowing them.

``VOID_HOOKS``: before a donation is voided each hook may refuse it (its goods no longer all in a
stock, say); once every hook agreed and the entry is reversed, each hook acts in the same transaction
(the goods taken back out of the stock). A refused void runs no hook's action. Apps register theirs
in ``AppConfig.ready`` with ``void_hook_register``.
"""

from typing import Protocol


class VoidHook(Protocol):
    def refusal(self, donation) -> str:
        """Why the locked ``donation`` may not be voided, or ``""``."""

    def voided(self, donation, actor) -> None:
        """What follows the void of ``donation`` by ``actor``, in the same transaction."""


VOID_HOOKS: list[VoidHook] = []


def void_hook_register(hook: VoidHook) -> VoidHook:
    """Add ``hook`` once (a second ``ready`` of the same app adds nothing)."""
    if not any(type(known) is type(hook) for known in VOID_HOOKS):
        VOID_HOOKS.append(hook)
    return hook
