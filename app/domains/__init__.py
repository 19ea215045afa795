"""One package per business domain: tables, services, controllers, schemas."""
