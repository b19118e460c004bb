# Training and registry: the SageMaker execution role (training jobs, models and Batch Transform jobs started by
# the state machine), the training source directory in the models bucket and the Model Registry group.
# The emulated account (pulso_local.account) creates the same group and uploads the same archive.

locals {
  # The key ARN is validated (arn:<partition>:kms:<region>:<account>:key/<id>): it says where the module deploys,
  # without data sources (which the offline tests would have to mock).
  arn_parts  = split(":", var.kms_key_arn)
  partition  = local.arn_parts[1]
  region     = local.arn_parts[3]
  account_id = local.arn_parts[4]

  layout             = var.names.layout
  source_dir_key     = "${local.layout.code}training/sourcedir.tar.gz"
  checkpoints_prefix = "checkpoints/" # statemachine/pipeline.asl.json.tftpl: s3://<models>/checkpoints/<run_id>/

  # What the role reads and writes: bucket (purpose) and key prefix, from the state machine's channels and outputs.
  reads = {
    messages        = { bucket = "transformed", prefix = local.layout.messages }        # "train" channel
    transform_input = { bucket = "transformed", prefix = local.layout.transform_input } # Batch Transform input
    embeddings      = { bucket = "models", prefix = local.layout.embeddings }           # "embeddings" channel
    code            = { bucket = "models", prefix = "${local.layout.code}training/" }   # sourcedir.tar.gz
  }
  read_writes = {
    training_jobs = { bucket = "models", prefix = local.layout.training_jobs } # model.tar.gz, read back by CreateModel
    checkpoints   = { bucket = "models", prefix = local.checkpoints_prefix }   # spot training checkpoints
  }
  writes = {
    transform_output = { bucket = "outputs", prefix = local.layout.transform_output } # Batch Transform output
  }
  # Prefixes listed, by bucket purpose: { transformed = ["messages/", ...], models = [...] }.
  listed = { for place in merge(local.reads, local.read_writes) : place.bucket => place.prefix... }

  # SageMaker PyTorch framework images (resolved per region at build time, images.json; pulso_local.image_uris). The
  # Deep Learning Containers registry account differs between regions, so the account part is a wildcard and
  # the repository names do the scoping.
  framework_repositories = ["pytorch-training", "pytorch-inference"]

  # CloudWatch namespaces SageMaker puts training and transform metrics in.
  metrics_namespaces = ["/aws/sagemaker/*"]
}

resource "aws_s3_object" "source_dir" {
  bucket                 = var.bucket_names.models
  key                    = local.source_dir_key
  source                 = var.source_dir_path
  source_hash            = filemd5(var.source_dir_path)
  content_type           = "application/gzip"
  server_side_encryption = "aws:kms"
  kms_key_id             = var.kms_key_arn
  tags                   = var.tags
}

resource "aws_sagemaker_model_package_group" "this" {
  model_package_group_name        = var.names.model_package_group
  model_package_group_description = "Pulso sentiment models"
  tags                            = var.tags
}
