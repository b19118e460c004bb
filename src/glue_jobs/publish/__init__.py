"""The publish job: the Batch Transform output as the predictions table, with error records, summary and drift check."""
