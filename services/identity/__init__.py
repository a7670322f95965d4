"""Identity in the spirit of Project 06: registry match, phone OTP, sessions, assurance levels."""
