"""Shared job plumbing: arguments, storage (S3 or folders), table writers, bounded lines, run metrics, topic maps."""
