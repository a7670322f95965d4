"""Demo and benchmark data: deterministic, Vietnamese, consistent with the ID number rules."""
