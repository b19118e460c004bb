# Three ways in: an object created under incoming/ in the raw bucket (EventBridge -> on_upload -> StartExecution),
# the daily predict run and the weekly topic discovery run (EventBridge Scheduler -> StartExecution). Besides, an
# approval object created under topic-approvals/ in the models bucket invokes approve_topics (EventBridge).

# S3 sends the raw bucket's events to EventBridge. This resource owns the bucket's whole notification
# configuration: no other module may declare one for the raw bucket.
resource "aws_s3_bucket_notification" "raw_to_eventbridge" {
  bucket      = var.bucket_names.raw
  eventbridge = true
}

resource "aws_cloudwatch_event_rule" "raw_upload" {
  name        = "${var.names.state_machine}-raw-upload"
  description = "Object Created under ${local.layout.raw_incoming} in ${var.bucket_names.raw}: start a pipeline run (on_upload)."
  event_pattern = jsonencode({
    source      = ["aws.s3"]
    detail-type = ["Object Created"]
    detail = {
      bucket = { name = [var.bucket_names.raw] }
      object = { key = [{ prefix = local.layout.raw_incoming }] }
    }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "raw_upload" {
  rule      = aws_cloudwatch_event_rule.raw_upload.name
  target_id = "on-upload"
  arn       = aws_lambda_function.this["on_upload"].arn
}

resource "aws_lambda_permission" "raw_upload" {
  statement_id  = "AllowEventBridgeRawUpload"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this["on_upload"].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.raw_upload.arn
}

# The daily predict run: the Step Functions templated target (StartExecution with `input` as execution input).
resource "aws_scheduler_schedule" "daily_predict" {
  #checkov:skip=CKV_AWS_297:The input is an S3 prefix, profile and mode (nothing secret); the role stays limited to states:StartExecution.
  name                         = var.names.daily_schedule
  group_name                   = "default"
  description                  = "Daily Pulso run in mode predict over ${local.daily_input.input}"
  schedule_expression          = var.daily_schedule_expression
  schedule_expression_timezone = "UTC"
  state                        = "ENABLED"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_sfn_state_machine.pipeline.arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode(local.daily_input)

    retry_policy {
      maximum_event_age_in_seconds = 3600
      maximum_retry_attempts       = 3
    }
  }

  depends_on = [aws_iam_role_policy.scheduler]
}

# The weekly topic discovery run: same target and role as the daily run, input {"mode": "discover"}.
resource "aws_scheduler_schedule" "weekly_discovery" {
  #checkov:skip=CKV_AWS_297:The input is the mode only (nothing secret); the role stays limited to states:StartExecution.
  name                         = var.names.weekly_discovery_schedule
  group_name                   = "default"
  description                  = "Weekly Pulso run in mode discover: cluster the recent messages into topic proposals"
  schedule_expression          = var.weekly_discovery_schedule_expression
  schedule_expression_timezone = "UTC"
  state                        = "ENABLED"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_sfn_state_machine.pipeline.arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode(local.weekly_discovery_input)

    retry_policy {
      maximum_event_age_in_seconds = 3600
      maximum_retry_attempts       = 3
    }
  }

  depends_on = [aws_iam_role_policy.scheduler]
}

# --- Topic approvals -----------------------------------------------------------------------------------------

# S3 sends the models bucket's events to EventBridge. Like raw_to_eventbridge, this resource owns the bucket's
# whole notification configuration: no other module may declare one for the models bucket.
resource "aws_s3_bucket_notification" "models_to_eventbridge" {
  bucket      = var.bucket_names.models
  eventbridge = true
}

resource "aws_cloudwatch_event_rule" "topic_approval" {
  name        = "${local.lambda_names.approve_topics}-on-approval"
  description = "Object Created under ${local.layout.topic_approvals} in ${var.bucket_names.models}: apply the topic approval (approve_topics)."
  event_pattern = jsonencode({
    source      = ["aws.s3"]
    detail-type = ["Object Created"]
    detail = {
      bucket = { name = [var.bucket_names.models] }
      object = { key = [{ prefix = local.layout.topic_approvals }] }
    }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "topic_approval" {
  rule      = aws_cloudwatch_event_rule.topic_approval.name
  target_id = "approve-topics"
  arn       = aws_lambda_function.this["approve_topics"].arn
}

resource "aws_lambda_permission" "topic_approval" {
  statement_id  = "AllowEventBridgeTopicApproval"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this["approve_topics"].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.topic_approval.arn
}
