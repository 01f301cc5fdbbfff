"""Distribution over the REST API: programs, applications and their workflow, disbursements, pillars,
evidence and the report (``applications``), authority limits (``limits``); the schemas they answer with
(``schemas``) and what they share (``common``). The goods stock, loans, batches and the public form
have their own ``api`` modules in their sub-packages; ``satuatap.api.core`` adds every router.
"""

from satuatap.distribution.api.applications import router
from satuatap.distribution.api.limits import router as limits_router

__all__ = ["limits_router", "router"]
