"""Copy paid shop orders into FreshBooks invoices."""
