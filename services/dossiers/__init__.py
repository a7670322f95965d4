"""Public-service dossiers: catalogue, submission, the state machine, due dates, lookups."""
