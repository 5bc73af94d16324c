"""Ledger services (writes), one module per area: importing, stats, plan, progress, close_out, …

Import from the submodule (`zhenggai.ledger.services.importing`), so that sibling modules
stay independent of each other.
"""
