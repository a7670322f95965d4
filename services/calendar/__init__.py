"""Calendars: business days in Asia/Ho_Chi_Minh with the Vietnamese public holidays."""
