"""Reads of the naskah app, one module per area: drafting, approval, kewenangan (signing
authority), paraf (signed paraf statements)."""
