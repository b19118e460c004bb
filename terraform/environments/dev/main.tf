# The dev environment: every module wired together. Names, layout and table schemas come from the shared
# configuration file, the state machine from statemachine/, the code artifacts from `make artifacts`.

data "aws_caller_identity" "current" {}

locals {
  repo_root = "${path.module}/../../.."
  config    = jsondecode(file("${local.repo_root}/src/pulso/config/pulso.json"))
  tags      = { project = local.config.project, environment = local.config.environment, managed_by = "terraform" }
  artifacts = abspath("${path.module}/${var.artifacts_dir}")
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
  source                  = "../../modules/etl"
  names                   = module.names
  tags                    = local.tags
  config                  = local.config
  kms_key_arn             = module.storage.kms_key_arn
  bucket_arns             = module.storage.bucket_arns
  bucket_names            = module.storage.bucket_names
  etl_script_path         = "${local.repo_root}/src/glue_jobs/etl_job.py"
  publish_script_path     = "${local.repo_root}/src/glue_jobs/publish_job.py"
  report_script_path      = "${local.repo_root}/src/glue_jobs/report_job.py"
  discover_script_path    = "${local.repo_root}/src/glue_jobs/discover_job.py"
  shared_package_zip_path = "${local.artifacts}/glue_packages.zip"

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
  account_id                = data.aws_caller_identity.current.account_id
  kms_key_arn               = module.storage.kms_key_arn
  bucket_arns               = module.storage.bucket_arns
  bucket_names              = module.storage.bucket_names
  glue_job_arns             = module.etl.glue_job_arns
  sagemaker_role_arn        = module.training.sagemaker_role_arn
  sns_topic_arn             = module.monitoring.sns_topic_arn
  lambda_zip_path           = "${local.artifacts}/lambdas.zip"
  definition_template_path  = "${local.repo_root}/statemachine/pipeline.asl.json.tftpl"
  daily_schedule_expression = var.daily_schedule_expression
  log_group_names           = module.monitoring.log_group_names

  weekly_discovery_schedule_expression = var.weekly_discovery_schedule_expression
}
