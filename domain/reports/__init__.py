"""Management reports: the funnel, stage times, the bottleneck, targets, pilots."""
