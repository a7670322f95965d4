"""Free digital signatures: certificate requests, signing, verification (HTTP layer).

The certificate authority, the key vault and the signing codes are runtime parts
(api/runtime.py); their settings are in services/settings.py and the README's table.
"""
