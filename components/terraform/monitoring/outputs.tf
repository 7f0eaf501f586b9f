output "sns_topic_arn" {
  description = "ARN of the alarm topic."
  value       = aws_sns_topic.alarms.arn
}

output "alarm_names" {
  description = "Names of the CloudWatch alarms created."
  value       = [for a in aws_cloudwatch_metric_alarm.this : a.alarm_name]
}

output "dashboard_name" {
  description = "Name of the dashboard (null when nothing was wired in)."
  value       = one(aws_cloudwatch_dashboard.this[*].dashboard_name)
}

output "oam_sink_arn" {
  description = "The cross-account observability sink (null unless oam_sink_enabled)."
  value       = one(aws_oam_sink.this[*].arn)
}

output "oam_link_arn" {
  description = "This account's link to the aggregating sink (null without oam_sink_arn)."
  value       = one(aws_oam_link.this[*].arn)
}
