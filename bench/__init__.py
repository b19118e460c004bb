"""Pulso benchmark harness: `python -m bench all` or `python -m bench <name>`; results go to bench/results/."""
