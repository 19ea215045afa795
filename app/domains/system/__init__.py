"""System: health of the database, Redis and the job workers."""
