"""The in-app inbox: every change a citizen must know of lands here first."""
