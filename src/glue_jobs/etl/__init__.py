"""The ETL job: read, validate (quarantine rules), clean, dedupe, split and write an upload; the run manifest."""
