"""The chaos run (issue 19 item 5), one module per area: config (options, demo people), setup
(fresh database, seed), stack (scripts/stack.py as a child), person (HTTP as a demo person),
load, faults, drain, checks, main. Run it with ``python scripts/chaos.py`` (docstring there).
"""
