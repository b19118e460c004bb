# Plan-only tests of the monitoring module with a mocked AWS provider.
# Names come from the real modules/names rendering of src/pulso/config/pulso.json.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:user/terraform-test"
      user_id    = "AIDATERRAFORMTEST"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:eu-west-1:123456789012:pulso-dev-notifications"
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:123456789012:log-group:mocked"
    }
  }

  mock_resource "aws_cloudwatch_metric_alarm" {
    defaults = {
      arn = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:mocked"
    }
  }
}

variables {
  account_id        = "123456789012"
  kms_key_arn       = "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0000-4000-8000-123456789012"
  state_machine_arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:pulso-dev-pipeline"
  topic_arn         = "arn:aws:sns:eu-west-1:123456789012:pulso-dev-notifications"
}

run "names" {
  command = plan

  module {
    source = "../names"
  }

  variables {
    config     = jsondecode(file("../../../src/pulso/config/pulso.json"))
    account_id = var.account_id
  }
}

run "defaults" {
  command = plan

  variables {
    names = run.names
    tags  = { project = "pulso" }
  }

  override_resource {
    target          = aws_cloudwatch_metric_alarm.quarantine_rate
    override_during = plan
    values          = { arn = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:pulso-dev-etl-quarantine-rate" }
  }

  # Topic
  assert {
    condition     = aws_sns_topic.this.name == "pulso-dev-notifications" && aws_sns_topic.this.kms_master_key_id == var.kms_key_arn
    error_message = "The topic must be names.sns_topic, encrypted with the project key."
  }

  assert {
    condition     = output.sns_topic_arn == var.topic_arn
    error_message = "sns_topic_arn must be the topic's ARN."
  }

  assert {
    condition     = length(aws_sns_topic_subscription.email) == 0
    error_message = "No e-mail subscription without alarm_email."
  }

  assert {
    condition     = aws_sns_topic_policy.this.arn == var.topic_arn
    error_message = "The topic policy must be attached to the topic."
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.topic.statement : s.sid] == [
      "AllowCloudWatchAlarmsOfThisAccount", "AllowEventBridgeRulesOfThisAccount", "DenyInsecureTransport",
    ]
    error_message = "The topic policy must admit CloudWatch alarms and EventBridge, and deny plain HTTP."
  }

  assert {
    condition = (
      one(data.aws_iam_policy_document.topic.statement[0].principals).identifiers == toset(["cloudwatch.amazonaws.com"]) &&
      anytrue([
        for c in data.aws_iam_policy_document.topic.statement[0].condition :
        c.variable == "aws:SourceArn" && toset(c.values) == toset(["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*"])
      ])
    )
    error_message = "Only CloudWatch alarms of this account and region may publish."
  }

  assert {
    condition = (
      one(data.aws_iam_policy_document.topic.statement[1].principals).identifiers == toset(["events.amazonaws.com"]) &&
      anytrue([
        for c in data.aws_iam_policy_document.topic.statement[1].condition :
        c.variable == "aws:SourceArn" && toset(c.values) == toset(["arn:aws:events:eu-west-1:123456789012:rule/*"])
      ])
    )
    error_message = "Only EventBridge rules of this account and region may publish."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.topic.statement : toset(s.resources) == toset([var.topic_arn])])
    error_message = "Every topic policy statement must be scoped to the topic."
  }

  assert {
    condition     = data.aws_iam_policy_document.topic.statement[2].effect == "Deny"
    error_message = "The transport statement must deny."
  }

  # Log groups
  assert {
    condition = output.log_group_names == {
      state_machine         = "/aws/vendedlogs/states/pulso-dev-pipeline"
      lambda_on_upload      = "/aws/lambda/pulso-dev-on-upload"
      lambda_read_manifest  = "/aws/lambda/pulso-dev-read-manifest"
      lambda_quality_gate   = "/aws/lambda/pulso-dev-quality-gate"
      lambda_find_champion  = "/aws/lambda/pulso-dev-find-champion"
      lambda_record_run     = "/aws/lambda/pulso-dev-record-run"
      lambda_approve_topics = "/aws/lambda/pulso-dev-approve-topics"
    }
    error_message = "One log group for the state machine (vended logs prefix) and one per Lambda function."
  }

  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.this : g.retention_in_days == 30 && g.kms_key_id == var.kms_key_arn])
    error_message = "Every log group must keep logs 30 days by default and be encrypted with the project key."
  }

  assert {
    condition     = alltrue([for name in values(output.log_group_names) : !startswith(name, "/aws-glue/") && !startswith(name, "/aws/sagemaker/")])
    error_message = "The AWS-shared Glue and SageMaker log groups must not be managed here."
  }

  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.this : g.tags == tomap({ project = "pulso" })])
    error_message = "Tags must reach the log groups."
  }

  # Execution alarms
  assert {
    condition     = toset([for a in aws_cloudwatch_metric_alarm.execution : a.metric_name]) == toset(["ExecutionsFailed", "ExecutionsTimedOut"])
    error_message = "The state machine needs alarms on failed and timed-out executions."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.execution["executions_failed"].alarm_name == "pulso-dev-pipeline-executions-failed"
    error_message = "Alarm names must start with the state machine's name."
  }

  assert {
    condition = alltrue([
      for a in aws_cloudwatch_metric_alarm.execution :
      a.namespace == "AWS/States" && a.dimensions == tomap({ StateMachineArn = var.state_machine_arn }) &&
      a.statistic == "Sum" && a.comparison_operator == "GreaterThanThreshold" && a.threshold == 0 &&
      a.treat_missing_data == "notBreaching"
    ])
    error_message = "Execution alarms must fire on any failed or timed-out execution of this state machine."
  }

  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.execution : toset(a.alarm_actions) == toset([var.topic_arn])])
    error_message = "Execution alarms must notify the topic."
  }

  # Function error alarms
  assert {
    condition = keys(aws_cloudwatch_metric_alarm.function_errors) == ["approve_topics"] && alltrue([
      for a in aws_cloudwatch_metric_alarm.function_errors : (
        a.alarm_name == "pulso-dev-approve-topics-errors"
        && a.namespace == "AWS/Lambda" && a.metric_name == "Errors" && a.dimensions == tomap({ FunctionName = "pulso-dev-approve-topics" })
        && a.statistic == "Sum" && a.threshold == 0 && a.comparison_operator == "GreaterThanThreshold"
        && a.treat_missing_data == "notBreaching" && toset(a.alarm_actions) == toset([var.topic_arn])
      )
    ])
    error_message = "approve_topics (invoked asynchronously by EventBridge) must alarm the topic on any error."
  }

  # Quarantine rate alarm
  assert {
    condition     = aws_cloudwatch_metric_alarm.quarantine_rate.threshold == 0.05 && aws_cloudwatch_metric_alarm.quarantine_rate.comparison_operator == "GreaterThanThreshold"
    error_message = "The quarantine alarm must fire above quarantine_rate_threshold (0.05)."
  }

  assert {
    condition     = toset(aws_cloudwatch_metric_alarm.quarantine_rate.alarm_actions) == toset([var.topic_arn])
    error_message = "The quarantine alarm must notify the topic."
  }

  assert {
    condition = [
      for q in aws_cloudwatch_metric_alarm.quarantine_rate.metric_query : q.expression if q.return_data == true
    ] == ["IF(rows_read > 0, rows_quarantined / rows_read, 0)"]
    error_message = "The alarm must evaluate only the quarantine rate expression."
  }

  assert {
    condition = toset(flatten([
      for q in aws_cloudwatch_metric_alarm.quarantine_rate.metric_query : [
        for m in q.metric : "${q.id}=${m.namespace}/${m.metric_name}/${m.stat}/${m.period}/${lookup(m.dimensions, "Environment", "")}"
      ]
    ])) == toset(["rows_quarantined=Pulso/ETL/RowsQuarantined/Sum/3600/dev", "rows_read=Pulso/ETL/RowsRead/Sum/3600/dev"])
    error_message = "The expression must read the hourly sums of Pulso/ETL RowsQuarantined and RowsRead for this environment."
  }

  assert {
    condition     = strcontains(aws_cloudwatch_metric_alarm.quarantine_rate.alarm_description, "Query the quarantine table")
    error_message = "The alarm must tell the reader where the reasons are."
  }

  # Dashboard
  assert {
    condition     = aws_cloudwatch_dashboard.this.dashboard_name == "pulso-dev"
    error_message = "The dashboard must be named {project}-{environment}."
  }

  assert {
    condition = [for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : w.properties.title] == [
      "Pipeline executions", "Pipeline duration (ms)", "ETL quarantine rate", "Alarms",
    ]
    error_message = "The dashboard must show executions, duration, quarantine rate and the alarms."
  }

  assert {
    condition = toset([
      for m in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets[0].properties.metrics : "${m[1]}@${m[3]}"
      ]) == toset([
      "ExecutionsSucceeded@${var.state_machine_arn}", "ExecutionsFailed@${var.state_machine_arn}", "ExecutionsTimedOut@${var.state_machine_arn}",
    ])
    error_message = "The executions widget must plot succeeded, failed and timed-out executions of this state machine."
  }

  assert {
    condition     = alltrue([for m in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets[1].properties.metrics : m[1] == "ExecutionTime"])
    error_message = "The duration widget must plot ExecutionTime."
  }

  assert {
    condition = (
      jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets[2].properties.metrics[0][0].expression == "IF(rows_read > 0, rows_quarantined / rows_read, 0)" &&
      jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets[2].properties.annotations.horizontal[0].value == 0.05
    )
    error_message = "The quarantine widget must plot the alarm's expression with the threshold."
  }

  assert {
    condition     = contains(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets[3].properties.alarms, "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:pulso-dev-etl-quarantine-rate")
    error_message = "The alarm widget must list the quarantine alarm."
  }

  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets[3].properties.alarms) == 4
    error_message = "The alarm widget must list the four alarms."
  }
}

run "with_email_and_settings" {
  command = plan

  variables {
    names                     = run.names
    alarm_email               = "oncall@example.com"
    log_retention_days        = 90
    quarantine_rate_threshold = 0.1
  }

  assert {
    condition     = length(aws_sns_topic_subscription.email) == 1
    error_message = "alarm_email must subscribe to the topic."
  }

  assert {
    condition = (
      aws_sns_topic_subscription.email[0].protocol == "email" &&
      aws_sns_topic_subscription.email[0].endpoint == "oncall@example.com" &&
      aws_sns_topic_subscription.email[0].topic_arn == var.topic_arn
    )
    error_message = "The subscription must be an e-mail subscription of alarm_email to the topic."
  }

  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.this : g.retention_in_days == 90])
    error_message = "log_retention_days must reach every log group."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.quarantine_rate.threshold == 0.1
    error_message = "quarantine_rate_threshold must reach the alarm."
  }
}

run "rejects_bad_inputs" {
  command = plan

  variables {
    names                     = run.names
    kms_key_arn               = "alias/pulso-dev"
    state_machine_arn         = "pulso-dev-pipeline"
    alarm_email               = "not-an-address"
    log_retention_days        = 45
    quarantine_rate_threshold = 1.5
  }

  expect_failures = [
    var.kms_key_arn,
    var.state_machine_arn,
    var.alarm_email,
    var.log_retention_days,
    var.quarantine_rate_threshold,
  ]
}

run "rejects_zero_threshold" {
  command = plan

  variables {
    names                     = run.names
    quarantine_rate_threshold = 0
  }

  expect_failures = [var.quarantine_rate_threshold]
}
