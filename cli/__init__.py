"""The `hemplan` command line."""
