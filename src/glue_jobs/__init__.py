"""The Glue jobs: one package per job (`etl`, `publish`, `report`, `discover`), each with an entry point `job.py`
(its `main(argv)` is what Glue runs), over the shared job plumbing in `common`.

Glue runs a job's entry point as a script uploaded to S3 under the name `script_name(job)`; the packages themselves
reach Glue in the `pulso_glue` wheel (`--extra-py-files`).
"""

from __future__ import annotations

JOBS = ("etl", "publish", "report", "discover")


def script_name(job: str) -> str:
    """The object name of a job's entry point on S3 (`<job>_job.py`), as Terraform and the local account upload it."""
    return f"{job}_job.py"


def entry_module(script: str) -> str | None:
    """The module a script name `<job>_job.py` stands for (`glue_jobs.<job>.job`), or None for another name."""
    for job in JOBS:
        if script == script_name(job):
            return f"glue_jobs.{job}.job"
    return None
