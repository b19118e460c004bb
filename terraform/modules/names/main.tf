# Every resource name, rendered from the patterns in pulso.json ({project}, {environment}, {account_id}),
# exactly as pulso.config.PulsoConfig.resource_name renders them for the jobs and the local runtime.
locals {
  resources = var.config.resources
  render = {
    for key, pattern in merge(
      { for k, v in local.resources : k => v if can(tostring(v)) },
      { for k, v in local.resources.buckets : "buckets.${k}" => v },
      { for k, v in local.resources.glue_jobs : "glue_jobs.${k}" => v },
      { for k, v in local.resources.lambdas : "lambdas.${k}" => v },
      { for k, v in local.resources.roles : "roles.${k}" => v },
    ) :
    key => replace(replace(replace(pattern, "{project}", var.config.project), "{environment}", var.config.environment), "{account_id}", var.account_id)
  }
}
