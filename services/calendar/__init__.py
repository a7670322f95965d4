"""Working-day arithmetic in Hanoi's calendar."""
