package com.deploystack.backend.db.schema;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.deploystack.backend.db.schema.SchemaSnapshot.Column;
import com.deploystack.backend.db.schema.SchemaSnapshot.Constraint;
import com.deploystack.backend.db.schema.SchemaSnapshot.EnumType;
import com.deploystack.backend.db.schema.SchemaSnapshot.Index;
import com.deploystack.backend.db.schema.SchemaSnapshot.Table;

/** One step from one schema to another, as a value: {@link SchemaDiff} makes them, {@link DdlWriter} writes them. */
public sealed interface Change {

    /** What changed, in words, for people reading the command's output. */
    String describe();

    record RenameTable(String from, String to) implements Change {
        public String describe() {
            return "table " + from + " renamed to " + to;
        }
    }

    record RenameColumn(String table, String from, String to) implements Change {
        public String describe() {
            return "column " + table + "." + from + " renamed to " + to;
        }
    }

    record CreateEnum(EnumType type) implements Change {
        public String describe() {
            return "enum type " + type.name() + " added (" + String.join(", ", type.labels()) + ")";
        }
    }

    /**
     * Enum labels added, removed or reordered: the type is re-created and every column of it converted, because
     * a value added with {@code ALTER TYPE … ADD VALUE} cannot be used in the transaction that adds it (and setup
     * applies every script in one transaction).
     *
     * @param columns the existing columns of the type (or of an array of it), with their defaults afterwards
     */
    record RecreateEnum(EnumType from, EnumType to, List<EnumColumn> columns) implements Change {
        public String describe() {
            return "enum type " + to.name() + " values changed from (" + String.join(", ", from.labels()) + ") to ("
                   + String.join(", ", to.labels()) + ")";
        }

        public List<String> removedLabels() {
            return from.labels().stream().filter(label -> !to.labels().contains(label)).toList();
        }
    }

    /** A column of an enum type (or an array of it) and the default to give it back once converted. */
    record EnumColumn(String table, Column column, Optional<String> defaultAfter) {
    }

    record DropEnum(EnumType type) implements Change {
        public String describe() {
            return "enum type " + type.name() + " dropped";
        }
    }

    /** A new table with its columns and its constraints except foreign keys (added last, as {@link AddConstraint}). */
    record CreateTable(Table table) implements Change {
        public String describe() {
            return "table " + table.name() + " added (" + String.join(", ", table.columns().keySet()) + ")";
        }
    }

    record DropTable(Table table) implements Change {
        public String describe() {
            return "table " + table.name() + " dropped";
        }
    }

    record AddColumn(String table, Column column) implements Change {
        public String describe() {
            return "column " + table + "." + column.name() + " added (" + column.type()
                   + column.defaultExpression().map(value -> " DEFAULT " + value).orElse("")
                   + (column.notNull() ? " NOT NULL" : "") + ")";
        }
    }

    record DropColumn(String table, Column column) implements Change {
        public String describe() {
            return "column " + table + "." + column.name() + " dropped (" + column.type() + ")";
        }
    }

    /** Type, collation, default, NOT NULL or identity of a column changed. */
    record AlterColumn(String table, Column from, Column to) implements Change {
        public String describe() {
            StringBuilder text = new StringBuilder("column " + table + "." + to.name() + " changed:");
            if (!from.type().equals(to.type()) || !from.collation().equals(to.collation())) {
                text.append(" type ").append(from.type()).append(" -> ").append(to.type());
            }
            if (!from.defaultExpression().equals(to.defaultExpression())) {
                text.append(" default ").append(from.defaultExpression().orElse("none")).append(" -> ")
                        .append(to.defaultExpression().orElse("none"));
            }
            if (from.notNull() != to.notNull()) {
                text.append(to.notNull() ? " NOT NULL added" : " NOT NULL dropped");
            }
            if (!from.identity().equals(to.identity())) {
                text.append(" identity ").append(from.identity().orElse("none")).append(" -> ")
                        .append(to.identity().orElse("none"));
            }
            return text.toString();
        }
    }

    /** A constraint added to a table; {@code newTable}: the table is created by the same change set (empty). */
    record AddConstraint(String table, Constraint constraint, boolean newTable) implements Change {
        public String describe() {
            return "constraint " + constraint.name() + " on " + table + " added: " + constraint.definition();
        }
    }

    record DropConstraint(String table, Constraint constraint) implements Change {
        public String describe() {
            return "constraint " + constraint.name() + " on " + table + " dropped: " + constraint.definition();
        }
    }

    record CreateIndex(String table, Index index, boolean newTable) implements Change {
        public String describe() {
            return "index " + index.name() + " added: " + index.definition();
        }
    }

    record DropIndex(String table, Index index) implements Change {
        public String describe() {
            return "index " + index.name() + " dropped: " + index.definition();
        }
    }

    /**
     * {@code COMMENT ON <kind> <object>}: kind {@code TABLE}, {@code COLUMN}, {@code TYPE}, {@code INDEX} or
     * {@code CONSTRAINT}; object e.g. {@code users.email} or {@code users_email_unique ON users}.
     */
    record SetComment(String kind, String object, Optional<String> comment) implements Change {
        public String describe() {
            return "comment on " + kind.toLowerCase(Locale.ROOT) + " " + object + " "
                   + comment.map(text -> "set to " + text).orElse("removed");
        }
    }

    /** A difference the generator writes no DDL for: a person writes that script ({@code migrate new}). */
    record Unsupported(String description) implements Change {
        public String describe() {
            return description;
        }
    }
}
