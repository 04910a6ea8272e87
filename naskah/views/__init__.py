"""Views of the naskah app, one module per area: drafting, approval, signing,
inbox (the internal inbox), verification, skkaad (classification proposals)."""
