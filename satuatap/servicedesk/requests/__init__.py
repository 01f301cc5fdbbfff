"""Service requests over several visits: checklist and documents, steps, working-day due dates,
the public status page, hand-over, WhatsApp conversations logged as requests."""
