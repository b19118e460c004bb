# Optional (enable_redshift): Redshift Serverless over the same Glue catalog, for teams that want to join the
# tables with warehouse data. Terraform creates the namespace, the workgroup and the role Redshift uses to read
# the catalog and the tables' S3 prefixes. The external schema itself is a database object, created with SQL
# once the workgroup is up (the statement is the redshift_external_schema_sql output):
#   CREATE EXTERNAL SCHEMA ... FROM DATA CATALOG DATABASE '<glue database>' IAM_ROLE '<role arn>' REGION '<region>';
#
# Partition projection is an Athena feature; Redshift Spectrum reads the partitions registered in the catalog.
# Every partition is registered as it is written: messages and quarantine by the ETL job, predictions by the
# publish job, topic_assignments by the discovery job, runs (also projected for Athena) by record_run
# (pulso.catalog; tests/integration/test_pipeline_local.py lists them after a run).

locals {
  redshift_name = var.names.athena_workgroup # "{project}-{environment}", as the workgroup

  # Where the tables live: bucket purpose => key prefixes.
  table_prefixes = { for table in values(var.config.tables) : table.bucket => table.prefix... }

  glue_catalog_arns = [
    "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog",
    "arn:${local.partition}:glue:${local.region}:${local.account_id}:database/${local.database}",
    "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${local.database}/*",
  ]
}

data "aws_iam_policy_document" "redshift_assume" {
  count = var.enable_redshift ? 1 : 0

  statement {
    sid     = "RedshiftAssumesTheRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "redshift" {
  count = var.enable_redshift ? 1 : 0

  name               = "${var.names.project}-${var.names.environment}-redshift"
  description        = "Pulso Redshift Serverless: read the Glue catalog ${local.database} and the tables' S3 prefixes."
  assume_role_policy = data.aws_iam_policy_document.redshift_assume[0].json
  tags               = var.tags
}

data "aws_iam_policy_document" "redshift" {
  count = var.enable_redshift ? 1 : 0

  statement {
    sid       = "ReadTheCatalog"
    effect    = "Allow"
    actions   = ["glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"]
    resources = local.glue_catalog_arns
  }

  dynamic "statement" {
    for_each = local.table_prefixes

    content {
      sid       = "ListTheTablesIn${title(statement.key)}"
      effect    = "Allow"
      actions   = ["s3:ListBucket"]
      resources = [var.bucket_arns[statement.key]]

      condition {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = [for prefix in statement.value : "${prefix}*"]
      }
    }
  }

  statement {
    sid       = "ReadTheTables"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = flatten([for bucket, prefixes in local.table_prefixes : [for prefix in prefixes : "${var.bucket_arns[bucket]}/${prefix}*"]])
  }

  statement {
    sid       = "DecryptTheTables"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "redshift" {
  count = var.enable_redshift ? 1 : 0

  name   = "${aws_iam_role.redshift[0].name}-catalog"
  role   = aws_iam_role.redshift[0].id
  policy = data.aws_iam_policy_document.redshift[0].json
}

resource "aws_redshiftserverless_namespace" "this" {
  count = var.enable_redshift ? 1 : 0

  namespace_name       = local.redshift_name
  db_name              = local.database
  kms_key_id           = var.kms_key_arn
  iam_roles            = [aws_iam_role.redshift[0].arn]
  default_iam_role_arn = aws_iam_role.redshift[0].arn
  log_exports          = ["connectionlog", "useractivitylog", "userlog"]

  # Redshift keeps the admin password in Secrets Manager, encrypted with the project key: no password in state.
  admin_username                   = "pulso_admin"
  manage_admin_password            = true
  admin_password_secret_kms_key_id = var.kms_key_arn

  tags = var.tags
}

resource "aws_redshiftserverless_workgroup" "this" {
  count = var.enable_redshift ? 1 : 0

  namespace_name      = aws_redshiftserverless_namespace.this[0].namespace_name
  workgroup_name      = local.redshift_name
  base_capacity       = 8 # the minimum RPUs: this is an occasional, ad hoc query engine
  publicly_accessible = false
  # Without subnet_ids the workgroup uses the default VPC's subnets; enhanced VPC routing would then need an S3
  # gateway endpoint there, which this module does not own.
  enhanced_vpc_routing = false

  tags = var.tags
}
