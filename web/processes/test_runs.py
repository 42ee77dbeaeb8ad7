"""A test run of a draft in a database of its own: nothing reaches live data."""
