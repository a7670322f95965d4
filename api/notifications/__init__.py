"""The in-app inbox and push devices."""
