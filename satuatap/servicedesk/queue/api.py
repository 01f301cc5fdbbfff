from ninja import Router

router = Router(tags=["servicedesk-queue"])
