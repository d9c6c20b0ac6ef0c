"""The agency's personnel rules: hiring, training, appraisal KPIs, commissions, teams."""
