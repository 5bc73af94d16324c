"""The rectification ledger: inspections, aspects → problems → findings → measures, and
everything that moves a measure from planned to closed."""
