"""Reference data shipped with the code (read by the domain modules, never written)."""
