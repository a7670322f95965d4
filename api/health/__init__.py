"""HTTP routes of the electronic health record."""
