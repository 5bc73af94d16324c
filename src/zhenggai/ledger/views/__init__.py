"""The ledger's pages, one module per area: the ledger list, the findings tree (inspection,
aspect, problem, finding), the measure page with its workflow forms, corrections, evidence."""
