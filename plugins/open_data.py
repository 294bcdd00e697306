"""Open data: machine-readable index of public documents (issue 9; being written)."""
