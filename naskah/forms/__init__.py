"""Forms of the naskah app, one module per area: drafting, approval."""
