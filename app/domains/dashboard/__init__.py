"""Dashboard: the first screen after login, a summary of the organisation."""
