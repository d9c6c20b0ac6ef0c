"""Finance: the ledger's categories and sources, typed amounts, budgets against actuals, acquisition channels'
cost per client, and month-end close. Pure rules (docs/finance.md)."""
