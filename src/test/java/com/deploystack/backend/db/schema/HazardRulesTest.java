package com.deploystack.backend.db.schema;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.deploystack.backend.db.schema.SchemaSnapshot.Column;
import com.deploystack.backend.db.schema.SchemaSnapshot.Constraint;
import com.deploystack.backend.db.schema.SchemaSnapshot.EnumType;
import com.deploystack.backend.db.schema.SchemaSnapshot.Index;
import com.deploystack.backend.db.schema.SchemaSnapshot.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

/** The hazard rules and the type-change costs, as pure functions: no database. */
class HazardRulesTest {

    private static Column column(String name, String type, boolean notNull, String defaultValue) {
        return new Column(name, type, Optional.empty(), notNull, Optional.ofNullable(defaultValue), Optional.empty(),
                          Optional.empty(), Optional.empty());
    }

    private static Constraint constraint(String name, Constraint.Kind kind) {
        return new Constraint(name, kind, "definition", Optional.of("users"), Optional.empty());
    }

    private static List<String> summaries(Change... changes) {
        return HazardRules.hazards(List.of(changes)).stream().map(Hazard::summary)
                .map(summary -> summary.substring(0, summary.indexOf(':'))).toList();
    }

    @Test
    void safeChangesHaveNoHazards() {
        Table table = new Table("notes", Map.of("id", column("id", "text", true, null)), new TreeMap<>(),
                                new TreeMap<>(), Optional.empty());
        List<String> hazards = summaries(
                new Change.CreateTable(table),
                new Change.CreateIndex("notes", new Index("notes_idx", "CREATE INDEX …", true, Optional.empty()), true),
                new Change.AddConstraint("notes", constraint("notes_user_fkey", Constraint.Kind.FOREIGN_KEY), true),
                new Change.AddColumn("projects", column("archived", "boolean", true, "false")),
                new Change.AddColumn("projects", column("note", "text", false, null)),
                new Change.AlterColumn("projects", column("note", "character varying(40)", true, null),
                                       column("note", "character varying(80)", false, "'x'::text")),
                new Change.DropIndex("projects", new Index("i", "CREATE INDEX …", false, Optional.empty())),
                new Change.CreateEnum(new EnumType("kind", List.of("'a'"), Optional.empty())),
                new Change.SetComment("TABLE", "projects", Optional.of("'Projects'")));
        assertThat(hazards, is(empty()));
    }

    @Test
    void droppingATableOrAColumnIsDestructive() {
        Table table = new Table("notes", Map.of(), new TreeMap<>(), new TreeMap<>(), Optional.empty());
        List<Hazard> hazards = HazardRules.hazards(List.of(
                new Change.DropTable(table), new Change.DropColumn("users", column("last_name", "text", false, null))));
        assertThat(hazards.stream().map(Hazard::destructive).toList(), contains(true, true));
        assertThat(hazards.get(0).summary(), containsString("drop table notes"));
        assertThat(hazards.get(1).summary(), containsString("drop column users.last_name"));
        assertThat(hazards.get(1).safely(), containsString("no longer reads or writes the column"));
    }

    @Test
    void lockingChangesOnExistingTablesAreCautionsWithTheSafeWay() {
        List<Hazard> hazards = HazardRules.hazards(List.of(
                new Change.AlterColumn("teams", column("description", "text", false, null),
                                       column("description", "text", true, null)),
                new Change.AddConstraint("teams", constraint("teams_owner_fkey", Constraint.Kind.FOREIGN_KEY), false),
                new Change.AddConstraint("teams", constraint("teams_name_unique", Constraint.Kind.UNIQUE), false),
                new Change.AddConstraint("teams", constraint("teams_pkey", Constraint.Kind.PRIMARY_KEY), false),
                new Change.AddConstraint("teams", constraint("teams_check", Constraint.Kind.CHECK), false),
                new Change.CreateIndex("teams", new Index("teams_idx", "CREATE INDEX …", false, Optional.empty()), false),
                new Change.AddColumn("teams", column("code", "text", true, null)),
                new Change.RenameColumn("users", "first_name", "given_name")));
        assertThat(hazards.stream().map(Hazard::destructive).distinct().toList(), contains(false));
        assertThat(hazards.stream().map(hazard -> hazard.summary().substring(0, hazard.summary().indexOf(':')))
                           .toList(), contains(
                "[caution] set NOT NULL on teams.description",
                "[caution] add foreign key teams_owner_fkey to existing table teams without NOT VALID",
                "[caution] add unique constraint teams_name_unique to existing table teams",
                "[caution] add primary key teams_pkey to existing table teams",
                "[caution] add check constraint teams_check to existing table teams without NOT VALID",
                "[caution] create index teams_idx on existing table teams",
                "[caution] add NOT NULL column teams.code without a default",
                "[caution] rename column users.first_name to given_name"));
        assertThat(hazards.get(0).safely(), containsString("NOT VALID"));
        assertThat(hazards.get(1).safely(), containsString("VALIDATE CONSTRAINT"));
        assertThat(hazards.get(5).safely(), containsString("CONCURRENTLY"));
    }

    @Test
    void typeChangesAreRatedByWhatPostgresDoesToTheTable() {
        assertThat(summaries(new Change.AlterColumn("t", column("c", "integer", false, null),
                                                    column("c", "bigint", false, null))),
                   contains("[caution] change type of t.c from integer to bigint"));
        assertThat(summaries(new Change.AlterColumn("t", column("c", "text", false, null),
                                                    column("c", "character varying(20)", false, null))),
                   contains("[destructive] change type of t.c from text to character varying(20)"));
        assertThat(summaries(new Change.AlterColumn("t", column("c", "character varying(20)", false, null),
                                                    column("c", "text", false, null))), is(empty()));
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "character varying(40) | character varying(80) | CATALOG_ONLY",
            "character varying(40) | text                  | CATALOG_ONLY",
            "text                  | character varying     | CATALOG_ONLY",
            "numeric(10,2)         | numeric(12,2)         | CATALOG_ONLY",
            "numeric(10,2)         | numeric               | CATALOG_ONLY",
            "text[]                | text[]                | CATALOG_ONLY",
            "integer               | bigint                | REWRITE",
            "smallint              | numeric               | REWRITE",
            "real                  | double precision      | REWRITE",
            "integer               | text                  | REWRITE",
            "character varying(80) | character varying(40) | LOSSY",
            "text                  | character varying(40) | LOSSY",
            "numeric(10,2)         | numeric(10,1)         | LOSSY",
            "bigint                | integer               | LOSSY",
            "text                  | integer               | LOSSY",
            "text                  | text[]                | LOSSY",
            "timestamp with time zone | date               | LOSSY"})
    void typeChangeCosts(String from, String to, TypeChange expected) {
        assertThat(TypeChange.of(from, to), is(expected));
    }

    @Test
    void anEnumLosingAValueIsDestructiveAndConvertingItsColumnsIsACaution() {
        EnumType before = new EnumType("priority", List.of("'low'", "'normal'", "'high'"), Optional.empty());
        EnumType after = new EnumType("priority", List.of("'low'", "'high'", "'urgent'"), Optional.empty());
        List<Hazard> hazards = HazardRules.hazards(List.of(new Change.RecreateEnum(before, after, List.of(
                new Change.EnumColumn("queue_jobs", column("priority", "priority", true, "'low'::priority"),
                                      Optional.of("'low'::priority"))))));
        assertThat(hazards.size(), is(2));
        assertThat(hazards.get(0).destructive(), is(true));
        assertThat(hazards.get(0).summary(), containsString("remove values 'normal' from enum type priority"));
        assertThat(hazards.get(1).destructive(), is(false));
        assertThat(hazards.get(1).summary(), containsString("rewrites queue_jobs"));
    }
}
