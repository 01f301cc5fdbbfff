"""Appointments: slots from office hours and capacity, online booking, cancelling, reminders."""
