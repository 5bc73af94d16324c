"""The ledger's forms, one module per area of its pages."""
