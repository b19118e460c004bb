# The dev environment: every module wired together. Names, layout and table schemas come from the shared
# configuration file, the state machine from statemachine/, the code artifacts from `make artifacts`, the
# SageMaker framework image URIs for var.region from `make images`.

data "aws_caller_identity" "current" {}

locals {
  repo_root = "${path.module}/../../.."
  config    = jsondecode(file(local.config_file))
  tags      = { project = local.config.project, environment = local.config.environment, managed_by = "terraform" }
  artifacts = abspath("${path.module}/${var.artifacts_dir}")
  # The SageMaker PyTorch image URIs for var.region, resolved with the SageMaker Python SDK by `make images`.
  images = jsondecode(file("${local.artifacts}/images.json"))
}

# The deployed configuration: pulso.json as it is, or, with var.config_overlay_path, the effective configuration
# `make effective-config` wrote (pulso.json deep-merged with the overlay by pulso.config and validated there:
# Terraform's merge() is shallow). modules/etl uploads it; every job reads that object.
locals {
  config_file = var.config_overlay_path == null ? "${local.repo_root}/src/pulso/config/pulso.json" : "${local.artifacts}/pulso-config.json"
}

module "names" {
  source     = "../../modules/names"
  config     = local.config
  account_id = data.aws_caller_identity.current.account_id
}

module "storage" {
  source               = "../../modules/storage"
  names                = module.names
  tags                 = local.tags
  force_destroy        = var.force_destroy
  enable_deny_policies = var.enable_deny_policies
}

module "monitoring" {
  source             = "../../modules/monitoring"
  names              = module.names
  tags               = local.tags
  kms_key_arn        = module.storage.kms_key_arn
  state_machine_arn  = "arn:aws:states:${var.region}:${data.aws_caller_identity.current.account_id}:stateMachine:${module.names.state_machine}"
  log_retention_days = var.log_retention_days
  alarm_email        = var.alarm_email
}

module "etl" {
  source                    = "../../modules/etl"
  names                     = module.names
  tags                      = local.tags
  config                    = local.config
  kms_key_arn               = module.storage.kms_key_arn
  bucket_arns               = module.storage.bucket_arns
  bucket_names              = module.storage.bucket_names
  etl_script_path           = "${local.repo_root}/src/glue_jobs/etl/job.py"
  publish_script_path       = "${local.repo_root}/src/glue_jobs/publish/job.py"
  report_script_path        = "${local.repo_root}/src/glue_jobs/report/job.py"
  discover_script_path      = "${local.repo_root}/src/glue_jobs/discover/job.py"
  shared_package_wheel_path = "${local.artifacts}/pulso_glue-0.1.0-py3-none-any.whl" # make artifacts; version: pyproject.toml
  # The reports' template engine, in install order; versions: requirements.lock.
  dependency_wheel_paths = [
    "${local.artifacts}/markupsafe-3.0.4-py3-none-any.whl",
    "${local.artifacts}/jinja2-3.1.6-py3-none-any.whl",
  ]

  discovery_python_modules = var.discovery_python_modules
}

module "training" {
  source          = "../../modules/training"
  names           = module.names
  tags            = local.tags
  kms_key_arn     = module.storage.kms_key_arn
  bucket_arns     = module.storage.bucket_arns
  bucket_names    = module.storage.bucket_names
  source_dir_path = "${local.artifacts}/sourcedir.tar.gz"
}

module "analytics" {
  source = "../../modules/analytics"
  # The tables live in the database the etl module creates: take its name from there, so they come after it.
  names                = merge(module.names, { glue_database = module.etl.glue_database_name })
  tags                 = local.tags
  config               = local.config
  kms_key_arn          = module.storage.kms_key_arn
  bucket_arns          = module.storage.bucket_arns
  bucket_names         = module.storage.bucket_names
  sql_dir              = "${local.repo_root}/sql"
  bytes_scanned_cutoff = var.bytes_scanned_cutoff
  enable_redshift      = var.enable_redshift
}

module "orchestration" {
  source                    = "../../modules/orchestration"
  names                     = module.names
  tags                      = local.tags
  config                    = local.config
  region                    = var.region
  images                    = local.images
  account_id                = data.aws_caller_identity.current.account_id
  kms_key_arn               = module.storage.kms_key_arn
  bucket_arns               = module.storage.bucket_arns
  bucket_names              = module.storage.bucket_names
  glue_job_arns             = module.etl.glue_job_arns
  config_uri                = module.etl.config_uri
  sagemaker_role_arn        = module.training.sagemaker_role_arn
  sns_topic_arn             = module.monitoring.sns_topic_arn
  lambda_zip_path           = "${local.artifacts}/lambdas.zip"
  definition_template_path  = "${local.repo_root}/statemachine/pipeline.asl.json.tftpl"
  daily_schedule_expression = var.daily_schedule_expression
  log_group_names           = module.monitoring.log_group_names

  weekly_discovery_schedule_expression = var.weekly_discovery_schedule_expression
}
