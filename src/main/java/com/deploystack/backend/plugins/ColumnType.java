package com.deploystack.backend.plugins;

/** The column types a plugin may declare, each with the name PostgreSQL's {@code format_type} reports. */
public enum ColumnType {
    TEXT("text"),
    INTEGER("integer"),
    BIGINT("bigint"),
    BOOLEAN("boolean"),
    NUMERIC("numeric"),
    DOUBLE("double precision"),
    DATE("date"),
    TIMESTAMPTZ("timestamp with time zone"),
    UUID("uuid"),
    JSONB("jsonb"),
    BYTEA("bytea"),
    TEXT_ARRAY("text[]");

    private final String sql;

    ColumnType(String sql) {
        this.sql = sql;
    }

    public String sql() {
        return sql;
    }
}
