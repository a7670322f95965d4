"""Fees paid online: the VietQR a citizen scans, the gateway behind the payment interface."""
