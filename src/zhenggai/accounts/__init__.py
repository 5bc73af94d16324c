"""Users, organisations (a tree), the people named in ledgers, and role assignments."""
