"""Electronic health records: validation, writing, reading, consent, access log, corrections, FHIR."""
