# Monitoring: the notification topic, the project's log groups, alarms on the pipeline (and on the approve_topics
# function) and a dashboard.
#
# Log groups — what is created here and what is not:
# - /aws/vendedlogs/states/<state machine>: the state machine's execution log (the orchestration module points the
#   state machine's logging configuration at it; the /aws/vendedlogs/ prefix keeps CloudWatch Logs' resource policy
#   small when Step Functions delivers logs).
# - /aws/lambda/<function>: one per Lambda function in names.lambdas. Created before the functions run, so Lambda
#   does not create them itself without retention or encryption.
# - Not created: the Glue log groups (/aws-glue/python-jobs/output and /error, /aws-glue/jobs/...) and the SageMaker
#   ones (/aws/sagemaker/TrainingJobs, /aws/sagemaker/TransformJobs). AWS shares each of them among all jobs of the
#   account and region, not only Pulso's: creating one fails where any job has already run (the group exists), and
#   `terraform destroy` would delete other workloads' logs. Their retention is an account-level decision.
#
# All log groups and the topic are encrypted with the project key; the storage module's key policy admits CloudWatch
# Logs of this account and region, and lets CloudWatch alarms and EventBridge publish to the encrypted topic.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  prefix = "${var.names.project}-${var.names.environment}"

  log_groups = merge(
    { state_machine = "/aws/vendedlogs/states/${var.names.state_machine}" },
    { for key, function_name in var.names.lambdas : "lambda_${key}" => "/aws/lambda/${function_name}" },
  )

  # Step Functions metrics that mean a run did not finish (the pipeline catches every error, notifies, then fails).
  execution_alarms = {
    executions_failed = {
      metric      = "ExecutionsFailed"
      description = "A run of the ${var.names.state_machine} state machine failed; the run's own notification and the execution history in the Step Functions console give the cause."
    }
    executions_timed_out = {
      metric      = "ExecutionsTimedOut"
      description = "A run of the ${var.names.state_machine} state machine timed out."
    }
  }

  # Custom metrics the ETL job publishes at the end of every run (src/glue_jobs/common/run_metrics.py: namespace Pulso/ETL,
  # dimension Environment, one datapoint per run). Hours without a run are missing data, which is not breaching.
  etl_metrics = {
    namespace   = "Pulso/ETL"
    rows_read   = "RowsRead"
    quarantined = "RowsQuarantined"
    dimensions  = { Environment = var.names.environment }
  }

  # Lambda functions alarmed on their Errors metric. The state machine's functions are left out: the pipeline
  # retries and catches their failures, which end as a failed execution (ExecutionsFailed). approve_topics runs
  # on an analyst's approval object (S3 -> EventBridge, asynchronous): its failures would go unnoticed otherwise.
  function_error_alarms = {
    for key in ["approve_topics"] : key => var.names.lambdas[key] if contains(keys(var.names.lambdas), key)
  }

  quarantine_rate_period = 3600
  # IF(...) keeps periods without reads at 0 instead of dividing by zero.
  quarantine_rate_expression = "IF(rows_read > 0, rows_quarantined / rows_read, 0)"
}

# ---------------------------------------------------------------------------------------------------------------------
# Notification topic
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_sns_topic" "this" {
  name              = var.names.sns_topic
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

# The account's own principals (the Step Functions role publishes the run summaries) publish through their IAM
# policies; the topic policy adds the two AWS services that publish here and denies plain HTTP.
data "aws_iam_policy_document" "topic" {
  statement {
    sid       = "AllowCloudWatchAlarmsOfThisAccount"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:*"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "AllowEventBridgeRulesOfThisAccount"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:events:${local.region}:${local.account_id}:rule/*"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = data.aws_iam_policy_document.topic.json
}

# AWS mails a confirmation link; the subscription stays "pending confirmation" until it is clicked.
resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == "" ? 0 : 1

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# ---------------------------------------------------------------------------------------------------------------------
# Log groups
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is the log_retention_days input (30 days by default for dev); production roots raise it.
  for_each = local.log_groups

  name              = each.value
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "execution" {
  for_each = local.execution_alarms

  alarm_name        = "${var.names.state_machine}-${replace(each.key, "_", "-")}"
  alarm_description = each.value.description

  namespace   = "AWS/States"
  metric_name = each.value.metric
  dimensions  = { StateMachineArn = var.state_machine_arn }
  statistic   = "Sum"
  period      = 300

  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  evaluation_periods  = 1
  datapoints_to_alarm = 1
  treat_missing_data  = "notBreaching"

  alarm_actions = [aws_sns_topic.this.arn]
  tags          = var.tags
}

resource "aws_cloudwatch_metric_alarm" "function_errors" {
  for_each = local.function_error_alarms

  alarm_name        = "${each.value}-errors"
  alarm_description = "The ${each.value} function failed (after Lambda's own retries of the asynchronous invocation); its log group /aws/lambda/${each.value} gives the cause."

  namespace   = "AWS/Lambda"
  metric_name = "Errors"
  dimensions  = { FunctionName = each.value }
  statistic   = "Sum"
  period      = 300

  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  evaluation_periods  = 1
  datapoints_to_alarm = 1
  treat_missing_data  = "notBreaching"

  alarm_actions = [aws_sns_topic.this.arn]
  tags          = var.tags
}

# Share of the rows read by the ETL job that were quarantined, per hour.
resource "aws_cloudwatch_metric_alarm" "quarantine_rate" {
  alarm_name        = "${local.prefix}-etl-quarantine-rate"
  alarm_description = "More than ${var.quarantine_rate_threshold * 100}% of the rows read by the ETL job in an hour were quarantined (metric math over ${local.etl_metrics.namespace} ${local.etl_metrics.quarantined} / ${local.etl_metrics.rows_read}). Query the quarantine table for the reasons."

  comparison_operator = "GreaterThanThreshold"
  threshold           = var.quarantine_rate_threshold
  evaluation_periods  = 1
  datapoints_to_alarm = 1
  treat_missing_data  = "notBreaching"

  metric_query {
    id          = "rate"
    expression  = local.quarantine_rate_expression
    label       = "Quarantine rate"
    return_data = true
  }

  metric_query {
    id = "rows_quarantined"

    metric {
      namespace   = local.etl_metrics.namespace
      metric_name = local.etl_metrics.quarantined
      dimensions  = local.etl_metrics.dimensions
      stat        = "Sum"
      period      = local.quarantine_rate_period
    }
  }

  metric_query {
    id = "rows_read"

    metric {
      namespace   = local.etl_metrics.namespace
      metric_name = local.etl_metrics.rows_read
      dimensions  = local.etl_metrics.dimensions
      stat        = "Sum"
      period      = local.quarantine_rate_period
    }
  }

  alarm_actions = [aws_sns_topic.this.arn]
  tags          = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = local.prefix

  dashboard_body = jsonencode({
    widgets = [
      {
        type   = "metric"
        x      = 0
        y      = 0
        width  = 12
        height = 6
        properties = {
          title   = "Pipeline executions"
          region  = local.region
          view    = "timeSeries"
          stacked = false
          stat    = "Sum"
          period  = 300
          metrics = [
            ["AWS/States", "ExecutionsSucceeded", "StateMachineArn", var.state_machine_arn, { label = "Succeeded", color = "#2ca02c" }],
            ["AWS/States", "ExecutionsFailed", "StateMachineArn", var.state_machine_arn, { label = "Failed", color = "#d62728" }],
            ["AWS/States", "ExecutionsTimedOut", "StateMachineArn", var.state_machine_arn, { label = "Timed out", color = "#ff7f0e" }],
          ]
        }
      },
      {
        type   = "metric"
        x      = 12
        y      = 0
        width  = 12
        height = 6
        properties = {
          title   = "Pipeline duration (ms)"
          region  = local.region
          view    = "timeSeries"
          stacked = false
          period  = 300
          metrics = [
            ["AWS/States", "ExecutionTime", "StateMachineArn", var.state_machine_arn, { stat = "Average", label = "Average" }],
            ["AWS/States", "ExecutionTime", "StateMachineArn", var.state_machine_arn, { stat = "Maximum", label = "Maximum" }],
          ]
        }
      },
      {
        type   = "metric"
        x      = 0
        y      = 6
        width  = 12
        height = 6
        properties = {
          title   = "ETL quarantine rate"
          region  = local.region
          view    = "timeSeries"
          stacked = false
          period  = local.quarantine_rate_period
          yAxis   = { left = { min = 0, max = 1 } }
          metrics = [
            [{ id = "rate", expression = local.quarantine_rate_expression, label = "Quarantined / read" }],
            [local.etl_metrics.namespace, local.etl_metrics.quarantined, "Environment", var.names.environment, { id = "rows_quarantined", stat = "Sum", visible = false }],
            [local.etl_metrics.namespace, local.etl_metrics.rows_read, "Environment", var.names.environment, { id = "rows_read", stat = "Sum", visible = false }],
          ]
          annotations = {
            horizontal = [{ label = "Alarm threshold", value = var.quarantine_rate_threshold }]
          }
        }
      },
      {
        type   = "alarm"
        x      = 12
        y      = 6
        width  = 12
        height = 6
        properties = {
          title = "Alarms"
          alarms = concat(
            [for alarm in aws_cloudwatch_metric_alarm.execution : alarm.arn],
            [aws_cloudwatch_metric_alarm.quarantine_rate.arn],
            [for alarm in aws_cloudwatch_metric_alarm.function_errors : alarm.arn],
          )
        }
      },
    ]
  })
}
