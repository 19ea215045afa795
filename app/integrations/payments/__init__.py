"""Payment gateways (Midtrans Snap, Xendit invoices) behind one PaymentGateway protocol.

Like the marketplace adapters they never touch tables: a gateway takes keys and an order number,
talks HTTP through the shared Transport (breaker, retries, error taxonomy of app.integrations.errors),
and answers plain dataclasses. signing.py verifies notifications in constant time.
"""
