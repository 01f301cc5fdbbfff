"""The service catalogue and its published service standards (PermenPANRB 15/2014), the public
page of a unit's services, the standard and maklumat PDFs, the WhatsApp click-to-chat links."""
