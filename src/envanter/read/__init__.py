"""Reading: find the inventory table in a file, turn its cells into typed service records."""
