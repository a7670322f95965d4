"""Catalogues and registry data loaded from files: units, residents, agencies."""
