"""The walk-in queue: the kiosk, tickets, counters and their screen, the display board."""
