"""The pipeline's AWS Lambda handlers (`<module>.handler`); they import only boto3, the standard library and `pulso`."""
