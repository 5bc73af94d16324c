"""The demo: an inspection with months of history, loaded through the real services.

It may import every app and nothing imports it (tests/test_layers.py): production code
never depends on demo data.
"""
