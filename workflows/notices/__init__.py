"""Notices sent by the workflows app, one module per area: signing (certificate renewal)."""
