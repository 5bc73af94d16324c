"""Ledger services (writes), one module per area: importing, stats, demo, …

Import from the submodule (`zhenggai.ledger.services.importing`), so that sibling modules
stay independent of each other.
"""
