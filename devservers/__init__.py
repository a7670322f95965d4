"""Local counterparts of outside systems (payment gateway, ...) for development and tests."""
