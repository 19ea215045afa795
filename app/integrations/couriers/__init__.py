"""Courier aggregators behind one CourierGateway protocol (a Biteship-shaped aggregator first).

Like the payment gateways they never touch tables: a gateway takes an API key, talks HTTP through
the shared Transport (breaker, retries, the error taxonomy of app.integrations.errors) and answers
plain dataclasses. Webhooks carry no signature: the receiver checks a header the seller chose, on an
unguessable URL (app.domains.shipping.webhooks).
"""
