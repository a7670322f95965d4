"""Documents attached to dossiers: where the bytes live, what they are, the PDFs the city renders."""
