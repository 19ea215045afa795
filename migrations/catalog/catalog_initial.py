"""Catalog: the initial schema. Products, variants and bundles.

SKUs are unique per organisation. Search over variant.search_text uses each engine's strength:
PostgreSQL a trigram GIN index (LIKE '%word%') plus a stored tsvector of its words with a GIN index
(words of one or two letters, which trigrams cannot serve, match as prefixes); SQLite an FTS5
table kept in step by triggers. The catalog search service picks the query for the engine.

Squashed on 2026-12-05 from the history before it; see migrations/README.md."""

from enum import Enum

from piccolo.columns.column_types import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration, both, extension, postgres, sqlite

ID = "2026-12-05T00:00:05:000000"
VERSION = "1.38.0"
DESCRIPTION = "catalog: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class Product(Table, tablename="product"):
    organization = ForeignKey(Organization, null=False, index=True)
    name = Varchar()
    brand = Varchar(length=120, index=True)
    category = Varchar(length=120, index=True)
    description = Text()
    status = Varchar(
        length=16,
        default="active",
        index=True,
        choices=Enum("ProductStatus", {"ACTIVE": "active", "ARCHIVED": "archived"}),
    )
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Variant(Table, tablename="variant"):
    organization = ForeignKey(Organization, null=False, index=True)
    product = ForeignKey(Product, null=False, index=True)
    sku = Varchar(length=64)
    barcode = Varchar(length=64, index=True)
    name = Varchar()
    attributes = JSON()
    price = Integer()
    cost = Integer()
    weight_grams = Integer()
    image_url = Varchar(length=500)
    reorder_point = Integer()
    is_bundle = Boolean()
    archived = Boolean(index=True)
    search_text = Text()
    created_at = Timestamptz()
    updated_at = Timestamptz()


class BundleComponent(Table, tablename="bundle_component"):
    organization = ForeignKey(Organization, null=False, index=True)
    bundle = ForeignKey(Variant, null=False, index=True)
    component = ForeignKey(Variant, null=False, index=True)
    quantity = Integer(default=1)


async def forwards():
    migration = Migration(ID, "catalog", DESCRIPTION)
    migration.create_tables(Product, Variant, BundleComponent)
    migration.run_sql(
        both(
            "CREATE UNIQUE INDEX variant_org_sku_uniq ON variant (organization, sku)",
            undo="DROP INDEX variant_org_sku_uniq",
        ),
        both("CREATE INDEX variant_org_id ON variant (organization, id)", undo="DROP INDEX variant_org_id"),
        extension("pg_trgm", needed_for="Catalog and order search"),
        postgres(
            "CREATE INDEX variant_search_trgm ON variant USING gin (search_text gin_trgm_ops)",
            undo="DROP INDEX variant_search_trgm",
        ),
        postgres(
            [
                "ALTER TABLE variant ADD COLUMN search_words tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
                "CREATE INDEX variant_search_words ON variant USING gin (search_words)",
            ],
            undo=["DROP INDEX variant_search_words", "ALTER TABLE variant DROP COLUMN search_words"],
        ),
        sqlite(
            [
                "CREATE VIRTUAL TABLE variant_fts USING fts5(search_text, content='variant', content_rowid='id', "
                "tokenize=\"unicode61 tokenchars '-_./'\")",
                "CREATE TRIGGER variant_fts_insert AFTER INSERT ON variant BEGIN "
                "INSERT INTO variant_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
                "CREATE TRIGGER variant_fts_delete AFTER DELETE ON variant BEGIN "
                "INSERT INTO variant_fts(variant_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
                "CREATE TRIGGER variant_fts_update AFTER UPDATE OF search_text ON variant BEGIN "
                "INSERT INTO variant_fts(variant_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
                "INSERT INTO variant_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
            ],
            undo=[
                "DROP TRIGGER variant_fts_update",
                "DROP TRIGGER variant_fts_delete",
                "DROP TRIGGER variant_fts_insert",
                "DROP TABLE variant_fts",
            ],
        ),
    )
    return migration
