# The views of sql/views/ (each a described SELECT) as Athena views in the Glue Data Catalog: a VIRTUAL_VIEW whose
# original text is the engine's view definition (base64 JSON of the SQL, catalog, schema and columns). The columns
# are those of the table the view reads (pulso.json views.<name>.over), its partition keys, then the view's own.
# The emulated account registers the same entry (pulso_local.account.view_table_input); docs/aws-contracts.md.

locals {
  # Glue (Hive) type -> the type Athena's engine stores in a view's definition.
  view_types = { string = "varchar", tinyint = "tinyint", int = "integer", bigint = "bigint", double = "double", timestamp = "timestamp" }

  views = {
    for name, view in try(var.config.views, {}) : name => {
      # The file without its description line, as pulso_local.query.catalog.view_body trims it.
      sql     = trimspace(replace(file("${var.sql_dir}/views/${name}.sql"), "/^--[^\n]*\n/", ""))
      columns = concat(var.config.tables[view.over].columns, try(var.config.tables[view.over].partition_keys, []), view.columns)
    }
  }
}

resource "aws_glue_catalog_table" "view" {
  for_each = local.views

  database_name = local.database
  name          = each.key
  table_type    = "VIRTUAL_VIEW"
  parameters    = { presto_view = "true", comment = "Presto View" }

  view_original_text = "/* Presto View: ${base64encode(jsonencode({
    originalSql = each.value.sql
    catalog     = "awsdatacatalog"
    schema      = local.database
    columns     = [for column in each.value.columns : { name = column.name, type = local.view_types[column.type] }]
  }))} */"
  view_expanded_text = "/* Presto View */"

  storage_descriptor {
    ser_de_info {
      name = each.key # an empty block would not round-trip (the provider reads it back as none)
    }

    dynamic "columns" {
      for_each = each.value.columns

      content {
        name = columns.value.name
        type = local.glue_types[columns.value.type]
      }
    }
  }

  depends_on = [aws_glue_catalog_table.this]
}
