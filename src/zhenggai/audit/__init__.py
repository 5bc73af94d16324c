"""The hash-chained audit log: every state change, who, when, before and after."""
