"""Tests against the emulated AWS account (moto): slower than tests/unit, still no Terraform or browser."""
