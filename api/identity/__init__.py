"""Identity and sessions: sign-up against the registry, tokens, devices, in-person checks."""
