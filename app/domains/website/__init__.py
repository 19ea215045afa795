"""Website: the seller's own shop."""
