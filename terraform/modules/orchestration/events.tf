# Three ways in: an object created under incoming/ in the raw bucket (EventBridge -> on_upload -> StartExecution),
# the daily predict run and the weekly topic discovery run (EventBridge Scheduler -> StartExecution). Besides, an
# approval object created under topic-approvals/ in the models bucket invokes approve_topics (EventBridge).

# S3 sends each bucket's events to EventBridge. Each of these resources owns its bucket's whole notification
# configuration: no other module may declare one for the raw or the models bucket.
# Per trigger: the bucket, the key prefix, the Lambda it invokes and the names of the rule, target and permission.
locals {
  s3_triggers = {
    raw_upload = {
      bucket       = var.bucket_names.raw
      prefix       = local.layout.raw_incoming
      function     = "on_upload"
      rule_name    = "${var.names.state_machine}-raw-upload"
      target_id    = "on-upload"
      statement_id = "AllowEventBridgeRawUpload"
      purpose      = "start a pipeline run (on_upload)"
    }
    topic_approval = {
      bucket       = var.bucket_names.models
      prefix       = local.layout.topic_approvals
      function     = "approve_topics"
      rule_name    = "${local.lambda_names.approve_topics}-on-approval"
      target_id    = "approve-topics"
      statement_id = "AllowEventBridgeTopicApproval"
      purpose      = "apply the topic approval (approve_topics)"
    }
  }
  # Both schedules start this state machine through the same role; only name, timing and input differ.
  schedules = {
    daily_predict = {
      name        = var.names.daily_schedule
      description = "Daily Pulso run in mode predict over ${local.daily_input.input}"
      expression  = var.daily_schedule_expression
      input       = local.daily_input
    }
    weekly_discovery = {
      name        = var.names.weekly_discovery_schedule
      description = "Weekly Pulso run in mode discover: cluster the recent messages into topic proposals"
      expression  = var.weekly_discovery_schedule_expression
      input       = local.weekly_discovery_input
    }
  }
}

resource "aws_s3_bucket_notification" "to_eventbridge" {
  for_each    = { raw = var.bucket_names.raw, models = var.bucket_names.models }
  bucket      = each.value
  eventbridge = true
}

resource "aws_cloudwatch_event_rule" "s3_trigger" {
  for_each    = local.s3_triggers
  name        = each.value.rule_name
  description = "Object Created under ${each.value.prefix} in ${each.value.bucket}: ${each.value.purpose}."
  event_pattern = jsonencode({
    source      = ["aws.s3"]
    detail-type = ["Object Created"]
    detail = {
      bucket = { name = [each.value.bucket] }
      object = { key = [{ prefix = each.value.prefix }] }
    }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "s3_trigger" {
  for_each  = local.s3_triggers
  rule      = aws_cloudwatch_event_rule.s3_trigger[each.key].name
  target_id = each.value.target_id
  arn       = aws_lambda_function.this[each.value.function].arn
}

resource "aws_lambda_permission" "s3_trigger" {
  for_each      = local.s3_triggers
  statement_id  = each.value.statement_id
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this[each.value.function].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.s3_trigger[each.key].arn
}

# The scheduled runs: the Step Functions templated target (StartExecution with `input` as execution input).
resource "aws_scheduler_schedule" "run" {
  #checkov:skip=CKV_AWS_297:The inputs are an S3 prefix, a profile and a mode (nothing secret); the role stays limited to states:StartExecution.
  for_each                     = local.schedules
  name                         = each.value.name
  group_name                   = "default"
  description                  = each.value.description
  schedule_expression          = each.value.expression
  schedule_expression_timezone = "UTC"
  state                        = "ENABLED"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_sfn_state_machine.pipeline.arn
    role_arn = aws_iam_role.scheduler.arn
    # jsonencode writes < and > as \u003c and \u003e; Scheduler replaces context attributes such as
    # <aws.scheduler.scheduled-time> only where they are written out.
    input = replace(replace(jsonencode(each.value.input), "\\u003c", "<"), "\\u003e", ">")

    retry_policy {
      maximum_event_age_in_seconds = 3600
      maximum_retry_attempts       = 3
    }
  }

  depends_on = [aws_iam_role_policy.scheduler]
}
