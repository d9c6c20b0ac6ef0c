"""The chat: aiogram routers (`handlers/<area>`), above the feature services (`handlers/services`) and what
people are shown (`handlers/views`). `handlers.routers.create_routers()` builds them in the order they are tried.

Nothing is imported here, so that importing a service or a view (the delivery worker needs the outbox
conversion, the command line the settings) does not load every router.
"""
