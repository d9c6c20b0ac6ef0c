"""Repositories, one per aggregate. They encrypt on write, decrypt on read, return frozen records and never
commit: the unit of work that created them does."""
