"""Free digital signatures: requests, in-person approval, certificates, signing and verifying."""
