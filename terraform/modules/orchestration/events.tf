# Two ways in: an object created under incoming/ in the raw bucket (EventBridge -> on_upload -> StartExecution),
# and the daily predict run (EventBridge Scheduler -> StartExecution).

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
