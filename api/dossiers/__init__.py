"""Public-service dossiers over HTTP: the catalogue, citizens' dossiers, agency moves."""
