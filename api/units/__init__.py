"""Administrative units as a timeline, with the 2025 crosswalk."""
