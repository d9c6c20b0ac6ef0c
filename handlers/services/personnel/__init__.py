"""Personnel use cases: hiring, training, KPIs, commissions, teams."""
