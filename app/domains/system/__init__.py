"""System: health of the database, Redis and the job workers; backups and restores of the whole
database (backups.py)."""
