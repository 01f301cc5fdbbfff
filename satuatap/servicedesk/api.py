"""The service desk over the REST API: each area has its own router (``catalogue``, ``queue``,
``appointments``, ``requests``, ``figures``); ``satuatap.api.core`` mounts them under /servicedesk."""

from satuatap.servicedesk.appointments.api import router as appointments_router
from satuatap.servicedesk.catalogue.api import router as catalogue_router
from satuatap.servicedesk.figures.api import router as figures_router
from satuatap.servicedesk.queue.api import router as queue_router
from satuatap.servicedesk.requests.api import router as requests_router

__all__ = ["appointments_router", "catalogue_router", "figures_router", "queue_router", "requests_router"]
