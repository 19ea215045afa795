"""Orders: one queue for every channel. Marketplace orders arrive through the sync engine
(webhook, scheduled fetch), manual orders are typed in; stock follows the order's state."""
