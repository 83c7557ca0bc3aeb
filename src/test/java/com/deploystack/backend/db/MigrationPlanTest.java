package com.deploystack.backend.db;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The migration rules as pure functions: no database, no files. */
class MigrationPlanTest {

    private static final Script FIRST = script(1, "aaa");
    private static final Script SECOND = script(2, "bbb");
    private static final Script THIRD = script(3, "ccc");

    @Test
    void aFreshDatabaseHasEveryScriptPendingInIdOrder() {
        assertThat(states(List.of(FIRST, SECOND), Map.of()), contains("1 PENDING", "2 PENDING"));
        assertThat(MigrationPlan.pending(List.of(FIRST, SECOND), Map.of(), "scripts"), contains(FIRST, SECOND));
    }

    @Test
    void appliedScriptsAreSkippedAndARowOfTheOfficialToolWithoutChecksumIsAccepted() {
        Map<BigDecimal, Changelog.Entry> changelog = changelog(applied(FIRST), new Changelog.Entry(
                SECOND.id(), "2025-01-01 00:00:00.0", SECOND.description(), null));
        assertThat(states(List.of(FIRST, SECOND, THIRD), changelog), contains("1 APPLIED", "2 APPLIED", "3 PENDING"));
        assertThat(MigrationPlan.pending(List.of(FIRST, SECOND, THIRD), changelog, "scripts"), contains(THIRD));
    }

    @Test
    void aScriptEditedAfterItWasAppliedStopsThePlanNamingIt() {
        Map<BigDecimal, Changelog.Entry> changelog = changelog(applied(script(1, "different")));
        assertThat(states(List.of(FIRST), changelog), contains("1 CHANGED"));
        MigrationException refused = assertThrows(MigrationException.class,
                                                  () -> MigrationPlan.pending(List.of(FIRST), changelog, "scripts"));
        assertThat(refused.getMessage(), containsString("1_s.sql was changed after it was applied"));
    }

    @Test
    void anAppliedScriptOlderThanOneHereIsMissingButNewerThanAllIsAheadAndRunsOn() {
        Map<BigDecimal, Changelog.Entry> missing = changelog(applied(FIRST), applied(SECOND));
        assertThat(states(List.of(SECOND, THIRD), missing), contains("1 MISSING", "2 APPLIED", "3 PENDING"));
        assertThrows(MigrationException.class, () -> MigrationPlan.pending(List.of(SECOND, THIRD), missing, "scripts"));

        Map<BigDecimal, Changelog.Entry> ahead = changelog(applied(FIRST), applied(THIRD));
        assertThat(states(List.of(FIRST), ahead), contains("1 APPLIED", "3 AHEAD"));
        assertThat(MigrationPlan.pending(List.of(FIRST), ahead, "scripts"), empty());
    }

    @Test
    void aPendingScriptOlderThanTheLastAppliedOneWouldRunOutOfOrder() {
        Map<BigDecimal, Changelog.Entry> changelog = changelog(applied(FIRST), applied(THIRD));
        assertThat(states(List.of(FIRST, SECOND, THIRD), changelog), contains("1 APPLIED", "2 OUT_OF_ORDER", "3 APPLIED"));
        MigrationException refused = assertThrows(MigrationException.class, () -> MigrationPlan.pending(
                List.of(FIRST, SECOND, THIRD), changelog, "scripts"));
        assertThat(refused.getMessage(), containsString("would run out of order"));
    }

    private static List<String> states(List<Script> scripts, Map<BigDecimal, Changelog.Entry> changelog) {
        return MigrationPlan.status(scripts, changelog).stream()
                .map(row -> row.id().toPlainString() + " " + row.state()).toList();
    }

    private static Script script(int id, String checksum) {
        return new Script(BigDecimal.valueOf(id), "s", id + "_s.sql", checksum, Script.Mode.TRANSACTIONAL);
    }

    private static Changelog.Entry applied(Script script) {
        return new Changelog.Entry(script.id(), "2025-01-01 00:00:00.0", script.description(), script.checksum());
    }

    private static Map<BigDecimal, Changelog.Entry> changelog(Changelog.Entry... entries) {
        Map<BigDecimal, Changelog.Entry> changelog = new LinkedHashMap<>();
        for (Changelog.Entry entry : entries) {
            changelog.put(entry.id(), entry);
        }
        return changelog;
    }
}
