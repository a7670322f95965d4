"""The citizen's data tracker (who looked up or changed my data) and where staff may act."""
