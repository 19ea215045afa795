"""Notifications: an in-app feed per organisation (new orders, late orders, sync failures, low
stock, oversold) and the same by e-mail when SMTP is configured, per user's preferences."""
