"""Messages the bot sends on its own: the outbox worker, its rate limiter, leadership, and `Background`."""
