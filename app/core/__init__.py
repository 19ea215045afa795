"""Cross-cutting pieces every domain uses: database, tenancy, auth, CSRF, money, time, htmx, errors."""
