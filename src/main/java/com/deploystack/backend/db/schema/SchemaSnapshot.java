package com.deploystack.backend.db.schema;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The core schema of one database as PostgreSQL itself prints it: every name is {@code quote_ident}'s text, every
 * type {@code format_type}'s, every default and expression {@code pg_get_expr}'s, every constraint
 * {@code pg_get_constraintdef}'s and every index {@code pg_get_indexdef}'s. Two snapshots are equal exactly when
 * the schemas are (column order aside: PostgreSQL can only append columns).
 *
 * @param unsupported objects the generator does not write DDL for (views, functions, triggers, sequences, other
 *                    types, extensions, partitioned or foreign tables): kind and name to a definition
 */
public record SchemaSnapshot(SortedMap<String, EnumType> enums, SortedMap<String, Table> tables,
                             SortedMap<String, String> unsupported) {

    /** An enum type; {@code labels} are literals ({@code 'pending'}) in sort order. */
    public record EnumType(String name, List<String> labels, Optional<String> comment) {
    }

    /** A table; {@code columns} iterate in the table's column order, which equality ignores. */
    public record Table(String name, Map<String, Column> columns, SortedMap<String, Constraint> constraints,
                        SortedMap<String, Index> indexes, Optional<String> comment) {
    }

    /**
     * A column. {@code identity} is {@code ALWAYS} or {@code BY DEFAULT} for an identity column; {@code generated}
     * the expression of a generated column with its kind ({@code (a + b) STORED}).
     */
    public record Column(String name, String type, Optional<String> collation, boolean notNull,
                         Optional<String> defaultExpression, Optional<String> identity, Optional<String> generated,
                         Optional<String> comment) {
    }

    /** A primary key, unique, check, foreign key or exclusion constraint (NOT NULL is a column property). */
    public record Constraint(String name, Kind kind, String definition, Optional<String> referencedTable,
                             Optional<String> comment) {

        public enum Kind { PRIMARY_KEY, UNIQUE, CHECK, FOREIGN_KEY, EXCLUSION }

        /** Same constraint, whatever its comment; false for null. */
        public boolean equalsIgnoringComment(Constraint other) {
            return other != null && name.equals(other.name) && kind == other.kind
                   && definition.equals(other.definition);
        }
    }

    /** An index that backs no constraint; {@code definition} is the full {@code CREATE INDEX} statement. */
    public record Index(String name, String definition, boolean unique, Optional<String> comment) {
    }
}
