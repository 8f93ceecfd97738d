"""Storage: the relational schema, database access, migrations and the query engine."""
