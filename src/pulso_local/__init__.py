"""Pulso on one machine: an emulated AWS account that runs the production pipeline (`pulso` CLI)."""
