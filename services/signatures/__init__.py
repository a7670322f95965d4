"""Free digital signatures: requests, in-person approval, certificates, signing and verifying."""
from services.signatures import asn1_lengths  # noqa: F401  (before any signature is built or read)
